package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Secret is parsed and its key proved once per content: however many Ingresses name it, and across compilations
 * while its content stays; what the check found still meets each compilation's clock and host set.
 */
class SecretChecksTest {

    private static final TestPki PKI = TestPki.create("Secret checks test CA");

    /** {@code count} Ingresses, each its own host under example.com, all naming the wildcard Secret default/wild. */
    private static Snapshots manyHosts(int count, TestPki.Issued cert) {
        Snapshots s = new Snapshots();
        for (int i = 0; i < count; i++) {
            s.add(Fixtures.ingress("default", "site-" + i).created("2024-01-01T00:00:0" + (i % 10) + "Z")
                    .host("h" + i + ".example.com").prefix("/", "web", 80).tls("wild", "h" + i + ".example.com")
                    .build());
        }
        return s.service("default", "web", "10.0.0.1")
                .secret("default", "wild", "kubernetes.io/tls", "tls.crt", cert.chainPem(), "tls.key", cert.keyPem());
    }

    @Test
    void aSecretNamedByManyIngressesIsProvedOnce() {
        TestPki.Issued wild = PKI.server("*.example.com");
        ClusterSnapshot snapshot = manyHosts(50, wild).build();
        SecretChecks checks = new SecretChecks();

        Compilation c = Compiler.compile(snapshot, CompilerOptions.local(Instant.now()), null, checks);

        assertThat(checks.proofs()).isEqualTo(1);
        assertThat(c.table().certificates()).singleElement().satisfies(cert -> {
            assertThat(cert.name()).isEqualTo("default/wild");
            assertThat(cert.hosts()).hasSize(50).isSorted().contains("h0.example.com", "h49.example.com");
        });
        assertThat(c.diagnostics()).isEmpty();
    }

    @Test
    void anUnchangedSecretIsNotProvedAgainAndAChangedOneIs() {
        TestPki.Issued first = PKI.server("*.example.com");
        SecretChecks checks = new SecretChecks();
        CompilerOptions options = CompilerOptions.local(Instant.now());

        Compilation a = Compiler.compile(manyHosts(5, first).build(), options, null, checks);
        Compilation b = Compiler.compile(manyHosts(6, first).build(), options, a.table(), checks);
        assertThat(checks.proofs()).isEqualTo(1);
        assertThat(b.table().certificates().get(0).hosts()).hasSize(6);

        TestPki.Issued second = PKI.server("*.example.com");
        Compilation c = Compiler.compile(manyHosts(6, second).build(), options, b.table(), checks);

        assertThat(checks.proofs()).isEqualTo(2);
        assertThat(c.table().certificates().get(0).certificateChain()).isEqualTo(second.chainPem());
        assertThat(checks.size()).as("the first content, no longer used, is forgotten").isEqualTo(1);
        assertThat(c.table()).isEqualTo(Compiler.compile(manyHosts(6, second).build(), options, b.table()).table());
    }

    @Test
    void aKnownContentIsStillCheckedAgainstEachCompilationsClock() {
        TestPki.Issued shortLived = PKI.issue(TestPki.KeyForm.EC_PKCS8, Duration.ofDays(2), "*.example.com",
                "*.example.com");
        ClusterSnapshot snapshot = manyHosts(3, shortLived).build();
        SecretChecks checks = new SecretChecks();

        Compilation now = Compiler.compile(snapshot, CompilerOptions.local(Instant.now()), null, checks);
        Compilation later = Compiler.compile(snapshot, CompilerOptions.local(Instant.now().plus(Duration.ofDays(30))),
                null, checks);

        assertThat(now.table().certificates()).hasSize(1);
        assertThat(later.table().certificates()).isEmpty();
        assertThat(later.diagnostics()).filteredOn(d -> d.severity() == Diagnostic.Severity.ERROR).hasSize(3)
                .allSatisfy(d -> assertThat(d.reason()).contains("Secret default/wild: the certificate expired on"));
        assertThat(checks.proofs()).isEqualTo(1);
    }

    @Test
    void anUnusableSecretIsReportedForEveryIngressNamingIt() {
        TestPki.Issued a = PKI.server("*.example.com");
        TestPki.Issued b = PKI.server("*.example.com");
        Snapshots s = new Snapshots();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            names.add("Ingress/default/site-" + i);
            s.add(Fixtures.ingress("default", "site-" + i).created("2024-01-01T00:00:0" + i + "Z")
                    .host("h" + i + ".example.com").prefix("/", "web", 80).tls("wild", "h" + i + ".example.com")
                    .build());
        }
        s.service("default", "web", "10.0.0.1")
                .secret("default", "wild", "kubernetes.io/tls", "tls.crt", a.chainPem(), "tls.key", b.keyPem());
        SecretChecks checks = new SecretChecks();

        Compilation c = Compiler.compile(s.build(), CompilerOptions.local(Instant.now()), null, checks);

        assertThat(checks.proofs()).isEqualTo(1);
        assertThat(c.diagnostics()).extracting(Diagnostic::object).containsExactlyInAnyOrderElementsOf(names);
        assertThat(c.diagnostics()).allSatisfy(d -> assertThat(d.reason())
                .contains("Secret default/wild: tls.key does not belong to the certificate in tls.crt"));
        assertThat(c.table().certificates()).extracting(Certificate::name).isEmpty();
    }
}
