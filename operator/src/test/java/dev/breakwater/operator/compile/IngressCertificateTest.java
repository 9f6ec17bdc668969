package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.Certificate;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableCodec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.Test;

/**
 * The certificate side of {@code spec.tls}: each way a Secret can be unusable (with the object, field, Secret
 * and reason of its diagnostic, and the rest of the table still compiled), host coverage, ownership of a host
 * between Ingresses, and determinism.
 */
class IngressCertificateTest {

    private static final TestPki PKI = TestPki.create("Certificate test CA");
    private static final String TLS = "kubernetes.io/tls";
    private static final String SHOP = "Ingress/default/shop";

    /** Ingress default/shop (shop.example.com, TLS from Secret shop-tls) plus an unrelated plain Ingress. */
    private static Snapshots site(String... tlsHosts) {
        Ingress shop = Fixtures.ingress("default", "shop").created("2024-01-01T00:00:00Z")
                .host("shop.example.com").prefix("/", "web", 80)
                .tls("shop-tls", tlsHosts.length == 0 ? new String[] {"shop.example.com"} : tlsHosts).build();
        Ingress other = Fixtures.ingress("default", "other").created("2024-01-02T00:00:00Z")
                .host("other.example.com").prefix("/", "web", 80).build();
        return Snapshots.with(shop, other).service("default", "web", "10.0.0.1");
    }

    private static Snapshots withSecret(Snapshots s, String cert, String key) {
        return s.secret("default", "shop-tls", TLS, "tls.crt", cert, "tls.key", key);
    }

    /** Asserts the one ERROR of the shop Ingress about its Secret, and that everything still routes. */
    private static void assertBadSecret(Compilation c, String reason) {
        assertThat(c.diagnostics()).filteredOn(d -> d.severity() == Diagnostic.Severity.ERROR).singleElement()
                .satisfies(d -> {
                    assertThat(d.object()).isEqualTo(SHOP);
                    assertThat(d.field()).isEqualTo("spec.tls[0].secretName");
                    assertThat(d.reason()).contains("Secret default/shop-tls").contains(reason)
                            .contains("[shop.example.com] get the default certificate");
                });
        assertThat(c.table().certificates()).isEmpty();
        for (String host : List.of("shop.example.com", "other.example.com")) {
            assertThat(firstRoute(c.table(), host).action()).as(host)
                    .isInstanceOf(RouteAction.Forward.class);
        }
        assertThat(firstRoute(c.table(), "shop.example.com").policy().redirectsToHttps())
                .as("the host is still served over TLS (default certificate), so HTTP still redirects").isTrue();
    }

    @Test
    void readsBase64DataAsWellAsStringData() {
        TestPki.Issued cert = PKI.server("shop.example.com");
        Secret secret = new SecretBuilder().withNewMetadata().withNamespace("default").withName("shop-tls")
                .endMetadata().withType(TLS)
                .withData(Map.of("tls.crt", b64(cert.chainPem()), "tls.key", b64(cert.keyPem()))).build();
        ClusterSnapshot base = site().build();
        ClusterSnapshot snapshot = new ClusterSnapshot(base.ingresses(), base.ingressClasses(), base.services(),
                base.endpointSlices(), List.of(secret));

        Compilation c = Compiler.compile(snapshot, CompilerOptions.local());

        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.table().certificates()).containsExactly(
                new Certificate("default/shop-tls", List.of("shop.example.com"), cert.chainPem(), cert.keyPem()));
    }

    @Test
    void anEncryptedKeyIsReportedInBothPemForms() throws Exception {
        TestPki.Issued cert = PKI.server("shop.example.com");
        char[] password = "secret".toCharArray();
        StringWriter pkcs8 = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pkcs8)) {
            w.writeObject(new JcaPKCS8Generator(cert.keys().getPrivate(),
                    new JceOpenSSLPKCS8EncryptorBuilder(org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
                            .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).setRandom(new SecureRandom())
                            .setPassword(password).build()));
        }
        StringWriter legacy = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(legacy)) {
            w.writeObject(cert.keys(), new JcePEMEncryptorBuilder("AES-128-CBC")
                    .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).build(password));
        }
        assertThat(pkcs8.toString()).contains("ENCRYPTED PRIVATE KEY");
        assertThat(legacy.toString()).contains("Proc-Type: 4,ENCRYPTED");

        for (String key : List.of(pkcs8.toString(), legacy.toString())) {
            assertBadSecret(withSecret(site(), cert.chainPem(), key).compile(), "tls.key is encrypted");
        }
    }

    @Test
    void eachUnusableSecretIsReportedWithItsReason() {
        TestPki.Issued good = PKI.server("shop.example.com");
        TestPki.Issued stranger = PKI.server("shop.example.com");

        assertBadSecret(site().compile(), "does not exist");
        assertBadSecret(site().secret("default", "shop-tls", "Opaque", "tls.crt", good.chainPem(), "tls.key",
                good.keyPem()).compile(), "has type \"Opaque\" (expected: kubernetes.io/tls)");
        assertBadSecret(site().secret("default", "shop-tls", TLS, "tls.key", good.keyPem()).compile(),
                "has no tls.crt");
        assertBadSecret(site().secret("default", "shop-tls", TLS, "tls.crt", good.chainPem()).compile(),
                "has no tls.key");
        assertBadSecret(withSecret(site(), "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n"
                + "-----END CERTIFICATE-----\n", good.keyPem()).compile(), "tls.crt is not a PEM certificate chain");
        assertBadSecret(withSecret(site(), good.chainPem(), "no key here").compile(), "tls.key holds no PEM private key");
        assertBadSecret(withSecret(site(), good.chainPem(), stranger.keyPem()).compile(),
                "tls.key does not belong to the certificate");
        assertBadSecret(withSecret(site(), good.chainPem(), good.chainPem()).compile(), "holds no PEM private key");
    }

    @Test
    void validityIsCheckedAgainstTheTimeInTheOptions() {
        TestPki.Issued cert = PKI.server("shop.example.com");
        ClusterSnapshot snapshot = withSecret(site(), cert.chainPem(), cert.keyPem()).build();
        CompilerOptions local = CompilerOptions.local();

        assertBadSecret(Compiler.compile(snapshot, CompilerOptions.local(Instant.now().minus(Duration.ofDays(3)))),
                "the certificate is not valid before");
        assertBadSecret(Compiler.compile(snapshot, local.at(Instant.now().plus(Duration.ofDays(30)))),
                "the certificate expired on");
        assertThat(Compiler.compile(snapshot, local.at(null)).table().certificates())
                .as("no time: no validity check").hasSize(1);
        TestPki.Issued expired = PKI.issue(TestPki.KeyForm.RSA_PKCS1, Duration.ofDays(-1), "shop.example.com",
                "shop.example.com");
        assertBadSecret(withSecret(site(), expired.chainPem(), expired.keyPem()).compile(), "expired");
    }

    @Test
    void aHostTheCertificateDoesNotCoverIsDroppedWithAWarning() {
        TestPki.Issued cert = PKI.server("shop.example.com");
        Compilation c = withSecret(site("shop.example.com", "api.example.com"), cert.chainPem(), cert.keyPem())
                .compile();

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.object()).isEqualTo(SHOP);
            assertThat(d.field()).isEqualTo("spec.tls[0].hosts");
            assertThat(d.reason()).contains("Secret default/shop-tls").contains("does not cover api.example.com");
        });
        assertThat(c.table().certificates()).singleElement()
                .satisfies(crt -> assertThat(crt.hosts()).containsExactly("shop.example.com"));
    }

    @Test
    void coverageFollowsSanWildcardsAndTheCommonNameOnlyWithoutSan() {
        TestPki.Issued wildcard = PKI.server("*.example.com");
        Compilation w = withSecret(site("shop.example.com", "a.b.example.com", "example.com", "*.example.com"),
                wildcard.chainPem(), wildcard.keyPem()).compile();
        assertThat(w.table().certificates()).singleElement().satisfies(crt -> assertThat(crt.hosts())
                .containsExactly("*.example.com", "shop.example.com"));
        assertThat(w.diagnostics()).extracting(Diagnostic::reason).hasSize(2)
                .anySatisfy(r -> assertThat(r).contains("does not cover a.b.example.com"))
                .anySatisfy(r -> assertThat(r).contains("does not cover example.com"));

        TestPki.Issued cnOnly = PKI.issue(TestPki.KeyForm.EC_SEC1, Duration.ofDays(5), "Shop.Example.com");
        Compilation cn = withSecret(site(), cnOnly.chainPem(), cnOnly.keyPem()).compile();
        assertThat(cn.diagnostics()).isEmpty();
        assertThat(cn.table().certificates()).singleElement()
                .satisfies(crt -> assertThat(crt.hosts()).containsExactly("shop.example.com"));

        TestPki.Issued sanElsewhere = PKI.issue(TestPki.KeyForm.EC_PKCS8, Duration.ofDays(5), "shop.example.com",
                "www.example.com");
        Compilation ignoredCn = withSecret(site(), sanElsewhere.chainPem(), sanElsewhere.keyPem()).compile();
        assertThat(ignoredCn.table().certificates()).as("the CN does not count when there is a SAN").isEmpty();
        assertThat(ignoredCn.diagnostics()).singleElement()
                .satisfies(d -> assertThat(d.reason()).contains("does not cover shop.example.com"));
    }

    @Test
    void oneCertificatePerSecretServingTheUnionOfItsHosts() {
        TestPki.Issued cert = PKI.server("a.example.com", "b.example.com", "c.example.com");
        Ingress a = Fixtures.ingress("default", "a").created("2024-01-01T00:00:00Z")
                .host("a.example.com").prefix("/", "web", 80).host("c.example.com").prefix("/", "web", 80)
                .tls("shared").build(); // no hosts: the hosts of its rules
        Ingress b = Fixtures.ingress("default", "b").created("2024-01-02T00:00:00Z")
                .host("b.example.com").prefix("/", "web", 80).tls("shared", "B.Example.com").build();
        Compilation c = Snapshots.with(b, a).service("default", "web", "10.0.0.1")
                .secret("default", "shared", TLS, "tls.crt", cert.chainPem(), "tls.key", cert.keyPem()).compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.table().certificates()).containsExactly(new Certificate("default/shared",
                List.of("a.example.com", "b.example.com", "c.example.com"), cert.chainPem(), cert.keyPem()));
    }

    @Test
    void theOldestIngressOwnsAHostEvenWhileItsSecretIsBad() {
        TestPki.Issued older = PKI.server("shop.example.com");
        TestPki.Issued newer = PKI.server("shop.example.com");
        Ingress rival = Fixtures.ingress("team-b", "rival").created("2024-03-01T00:00:00Z")
                .host("shop.example.com").prefix("/other", "web", 80).tls("rival-tls", "shop.example.com").build();
        Ingress shop = Fixtures.ingress("default", "shop").created("2024-01-01T00:00:00Z")
                .host("shop.example.com").prefix("/", "web", 80).tls("shop-tls", "shop.example.com").build();
        java.util.function.Function<String, Snapshots> withOwnerChain = chain -> Snapshots.with(rival, shop)
                .service("default", "web", "10.0.0.1").service("team-b", "web", "10.0.0.2")
                .secret("team-b", "rival-tls", TLS, "tls.crt", newer.chainPem(), "tls.key", newer.keyPem())
                .secret("default", "shop-tls", TLS, "tls.crt", chain, "tls.key", older.keyPem());

        Compilation good = withOwnerChain.apply(older.chainPem()).compile();
        assertThat(good.table().certificates()).extracting(Certificate::name).containsExactly("default/shop-tls");
        assertThat(good.diagnosticsOf("Ingress/team-b/rival")).anySatisfy(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.field()).isEqualTo("spec.tls[0].hosts");
            assertThat(d.reason()).contains("Secret default/shop-tls").contains("Secret team-b/rival-tls is not used");
        });

        Compilation broken = withOwnerChain.apply("garbage").compile();
        assertThat(broken.table().certificates()).as("no takeover while the owner's Secret is bad").isEmpty();
        assertThat(broken.diagnosticsOf(SHOP)).anySatisfy(d -> assertThat(d.severity())
                .isEqualTo(Diagnostic.Severity.ERROR));
    }

    @Test
    void aBadSecretKeepsItsPreviousCertificateOnlyForTheHostsItServed() {
        TestPki.Issued good = PKI.server("shop.example.com", "api.example.com");
        RoutingTable before = withSecret(site(), good.chainPem(), good.keyPem()).compile().table();
        ClusterSnapshot broken = withSecret(site("shop.example.com", "api.example.com"), "garbage", "garbage")
                .build();

        Compilation after = Compiler.compile(broken, CompilerOptions.local(), before);

        assertThat(after.table().certificates()).containsExactly(new Certificate("default/shop-tls",
                List.of("shop.example.com"), good.chainPem(), good.keyPem()));
        assertThat(after.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(d.field()).isEqualTo("spec.tls[0].secretName");
            assertThat(d.reason()).contains("default/shop-tls").contains("its previous certificate keeps serving");
        });
        assertThat(Compiler.compile(broken, CompilerOptions.local(), RoutingTable.empty()).table()
                .certificates()).as("nothing to keep").isEmpty();
        Compilation fixed = Compiler.compile(withSecret(site(), good.chainPem(), good.keyPem()).build(),
                CompilerOptions.local(), after.table());
        assertThat(fixed.table().sameContentAs(before)).isTrue();
    }

    @Test
    void aTlsSectionWithoutSecretNameIsAWarningAndTheHostStillRedirects() {
        Ingress i = Fixtures.ingress("default", "shop").host("shop.example.com").prefix("/", "web", 80)
                .tls(null, "shop.example.com").build();
        Compilation c = Snapshots.with(i).service("default", "web", "10.0.0.1").compile();

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.field()).isEqualTo("spec.tls[0].secretName");
        });
        assertThat(firstRoute(c.table(), "shop.example.com").policy().redirectsToHttps()).isTrue();
    }

    @Test
    void certificatesAreDeterministicWhateverTheOrderOfObjects() {
        TestPki.Issued x = PKI.server("x.example.com", "*.x.example.com");
        TestPki.Issued y = PKI.server("y.example.com");
        List<Ingress> ingresses = new ArrayList<>();
        for (int n = 0; n < 6; n++) {
            String host = (n % 2 == 0 ? "x" : "y") + ".example.com";
            ingresses.add(Fixtures.ingress("default", "i" + n).created("2024-01-0" + (1 + n % 3) + "T00:00:00Z")
                    .host(host).prefix("/p" + n, "web", 80).host("a.x.example.com").prefix("/q" + n, "web", 80)
                    .tls(n % 2 == 0 ? "x" : "y", host, "a.x.example.com").build());
        }
        RoutingTable first = null;
        for (long seed = 0; seed < 8; seed++) {
            List<Ingress> shuffled = new ArrayList<>(ingresses);
            Collections.shuffle(shuffled, new Random(seed));
            Snapshots s = Snapshots.with(shuffled.toArray(Ingress[]::new)).service("default", "web", "10.0.0.1");
            List<String[]> secrets = new ArrayList<>(List.of(
                    new String[] {"x", x.chainPem(), x.keyPem()}, new String[] {"y", y.chainPem(), y.keyPem()}));
            Collections.shuffle(secrets, new Random(seed));
            for (String[] sec : secrets) {
                s.secret("default", sec[0], TLS, "tls.crt", sec[1], "tls.key", sec[2]);
            }
            RoutingTable t = s.compile().table();
            if (first == null) {
                first = t;
                assertThat(t.certificates()).extracting(Certificate::name).containsExactly("default/x", "default/y");
                assertThat(t.certificates().get(0).hosts()).containsExactly("a.x.example.com", "x.example.com");
            }
            assertThat(TableCodec.encodeToString(t)).isEqualTo(TableCodec.encodeToString(first));
        }
    }

    private static dev.breakwater.routing.Route firstRoute(RoutingTable t, String host) {
        return t.virtualHosts().stream().filter(v -> v.hostname().equals(host)).findFirst().orElseThrow()
                .routes().get(0);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
