package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.Certificate;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Certificates from Secrets, their checks and diagnostics, and the TLS and resilience annotations. */
class IngressTlsTest {

    private static final TestPki PKI = TestPki.create("Compiler test CA");
    private static final String TLS = "kubernetes.io/tls";

    private static Snapshots site(io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress) {
        return Snapshots.with(ingress).service("default", "web", "10.0.0.1");
    }

    private static io.fabric8.kubernetes.api.model.networking.v1.Ingress secure(String... annotations) {
        var f = Fixtures.ingress("default", "shop").host("shop.example.com").prefix("/", "web", 80)
                .tls("shop-tls", "shop.example.com");
        for (int i = 0; i < annotations.length; i += 2) {
            f.annotation(annotations[i], annotations[i + 1]);
        }
        return f.build();
    }

    private static Snapshots withSecret(Snapshots s, TestPki.Issued cert) {
        return s.secret("default", "shop-tls", TLS, "tls.crt", cert.chainPem(), "tls.key", cert.keyPem());
    }

    private static Route route(RoutingTable t, String host) {
        return t.virtualHosts().stream().filter(v -> v.hostname().equals(host)).findFirst().orElseThrow()
                .routes().get(0);
    }

    @ParameterizedTest
    @EnumSource(TestPki.KeyForm.class)
    void readsTheCertificateOfATlsSecretInEveryKeyForm(TestPki.KeyForm form) {
        TestPki.Issued cert = PKI.issue(form, Duration.ofDays(30), "shop.example.com", "shop.example.com");
        Compilation c = withSecret(site(secure()), cert).compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.table().certificates()).singleElement().satisfies(crt -> {
            assertThat(crt.name()).isEqualTo("default/shop-tls");
            assertThat(crt.hosts()).containsExactly("shop.example.com");
            assertThat(crt.privateKey()).isEqualTo(cert.keyPem());
        });
        assertThat(route(c.table(), "shop.example.com").policy().redirectsToHttps()).isTrue();
    }

    @Test
    void reportsEveryKindOfBadSecretAndKeepsTheRestServing() {
        TestPki.Issued good = PKI.server("shop.example.com");
        TestPki.Issued other = PKI.server("shop.example.com");
        TestPki.Issued expired = PKI.issue(TestPki.KeyForm.EC_PKCS8, Duration.ofDays(-1), "shop.example.com",
                "shop.example.com");
        TestPki.Issued wrongHost = PKI.server("elsewhere.example.com");
        record Case(String what, Snapshots snapshot, String reason) {
        }
        List<Case> cases = List.of(
                new Case("missing", site(secure()), "Secret default/shop-tls does not exist"),
                new Case("wrong type", site(secure()).secret("default", "shop-tls", "Opaque", "tls.crt",
                        good.chainPem(), "tls.key", good.keyPem()), "type \"Opaque\""),
                new Case("no key", site(secure()).secret("default", "shop-tls", TLS, "tls.crt", good.chainPem()),
                        "has no tls.key"),
                new Case("malformed", site(secure()).secret("default", "shop-tls", TLS, "tls.crt", "garbage",
                        "tls.key", good.keyPem()), "holds no PEM certificate"),
                new Case("key mismatch", site(secure()).secret("default", "shop-tls", TLS, "tls.crt",
                        good.chainPem(), "tls.key", other.keyPem()), "does not belong to the certificate"),
                new Case("expired", withSecret(site(secure()), expired), "expired"));
        for (Case k : cases) {
            Compilation c = k.snapshot().compile();
            assertThat(c.diagnostics()).as(k.what()).anySatisfy(d -> {
                assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
                assertThat(d.object()).isEqualTo("Ingress/default/shop");
                assertThat(d.field()).isEqualTo("spec.tls[0].secretName");
                assertThat(d.reason()).contains("default/shop-tls").contains(k.reason())
                        .contains("get the default certificate");
            });
            assertThat(c.table().certificates()).as(k.what()).isEmpty();
            assertThat(route(c.table(), "shop.example.com").action()).as(k.what() + ": still routed")
                    .isInstanceOf(RouteAction.Forward.class);
        }
        Compilation uncovered = withSecret(site(secure()), wrongHost).compile();
        assertThat(uncovered.diagnostics()).anySatisfy(d -> assertThat(d.reason())
                .contains("does not cover shop.example.com"));
        assertThat(uncovered.table().certificates()).isEmpty();
    }

    @Test
    void aSecretThatTurnsBadKeepsItsPreviousCertificate() {
        TestPki.Issued good = PKI.server("shop.example.com");
        RoutingTable before = withSecret(site(secure()), good).compile().table();

        Compilation after = Compiler.compile(site(secure()).secret("default", "shop-tls", TLS, "tls.crt",
                "garbage", "tls.key", "garbage").build(), CompilerOptions.local(), before);

        assertThat(after.table().certificates()).singleElement()
                .satisfies(c -> assertThat(c.certificateChain()).isEqualTo(good.chainPem()));
        assertThat(after.diagnostics()).anySatisfy(d -> assertThat(d.reason()).contains("previous certificate keeps serving"));
    }

    @Test
    void redirectAndHstsFollowTheirAnnotations() {
        TestPki.Issued cert = PKI.server("shop.example.com");
        RoutingTable off = withSecret(site(secure("nginx.ingress.kubernetes.io/ssl-redirect", "false")), cert)
                .compile().table();
        RoutingTable forced = site(Fixtures.ingress("default", "plain").host("plain.example.com")
                .prefix("/", "web", 80).annotation("nginx.ingress.kubernetes.io/force-ssl-redirect", "true").build())
                .compile().table();
        RoutingTable hsts = withSecret(site(secure("breakwater.dev/hsts", "true", "breakwater.dev/hsts-max-age", "600",
                "breakwater.dev/hsts-include-subdomains", "true")), cert).compile().table();
        Compilation bad = withSecret(site(secure("breakwater.dev/ssl-redirect", "maybe",
                "breakwater.dev/hsts", "true", "breakwater.dev/hsts-max-age", "-3")), cert).compile();

        assertThat(route(off, "shop.example.com").policy().redirectsToHttps()).isFalse();
        assertThat(route(forced, "plain.example.com").policy().redirectsToHttps()).isTrue();
        assertThat(route(hsts, "shop.example.com").policy().hsts().headerValue())
                .isEqualTo("max-age=600; includeSubDomains");
        assertThat(bad.diagnostics()).anySatisfy(d -> {
            assertThat(d.field()).isEqualTo("metadata.annotations['breakwater.dev/ssl-redirect']");
            assertThat(d.reason()).contains("\"maybe\" is not true or false");
        });
        assertThat(bad.diagnostics()).anySatisfy(d -> assertThat(d.field())
                .isEqualTo("metadata.annotations['breakwater.dev/hsts-max-age']"));
        assertThat(route(bad.table(), "shop.example.com").policy().redirectsToHttps()).isTrue();
        assertThat(route(bad.table(), "shop.example.com").policy().hsts().maxAgeSeconds()).isEqualTo(31536000);
    }

    @Test
    void backendProtocolAndUpstreamVerificationMakeTheirOwnClusters() {
        Compilation c = Snapshots.with(
                        Fixtures.ingress("default", "grpc").host("grpc.example.com").prefix("/", "web", 80)
                                .annotation("nginx.ingress.kubernetes.io/backend-protocol", "GRPC").build(),
                        Fixtures.ingress("default", "tls").host("tls.example.com").prefix("/", "web", 80)
                                .annotation("breakwater.dev/backend-protocol", "https")
                                .annotation("breakwater.dev/backend-ca-secret", "backend-ca")
                                .annotation("breakwater.dev/backend-server-name", "web.internal").build(),
                        Fixtures.ingress("default", "plain").host("plain.example.com").prefix("/", "web", 80).build())
                .service("default", "web", "10.0.0.1")
                .secret("default", "backend-ca", "Opaque", "ca.crt", PKI.caPem())
                .compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.table().clusters()).extracting(Cluster::protocol)
                .containsExactlyInAnyOrder(Cluster.Protocol.HTTP1, Cluster.Protocol.H2C, Cluster.Protocol.HTTPS);
        Cluster https = c.table().clusters().stream().filter(k -> k.protocol() == Cluster.Protocol.HTTPS)
                .findFirst().orElseThrow();
        assertThat(https.tls().caCertificates()).isEqualTo(PKI.caPem());
        assertThat(https.tls().serverName()).isEqualTo("web.internal");
    }

    @Test
    void aMissingBackendCaFailsClosed() {
        Compilation c = site(Fixtures.ingress("default", "tls").host("tls.example.com").prefix("/", "web", 80)
                .annotation("breakwater.dev/backend-protocol", "HTTPS")
                .annotation("breakwater.dev/backend-ca-secret", "nope").build()).compile();

        assertThat(c.diagnostics()).anySatisfy(d -> assertThat(d.reason()).contains("Secret default/nope does not exist")
                .contains("503"));
        assertThat(route(c.table(), "tls.example.com").action()).isInstanceOf(RouteAction.FixedResponse.class);
    }

    @Test
    void clientCertificatesForTlsHostsFromAnAnnotatedCaSecret() {
        TestPki.Issued cert = PKI.server("shop.example.com");
        Compilation c = withSecret(site(secure("nginx.ingress.kubernetes.io/auth-tls-secret", "default/clients",
                "nginx.ingress.kubernetes.io/auth-tls-verify-client", "optional")), cert)
                .secret("default", "clients", "Opaque", "ca.crt", PKI.caPem())
                .compile();
        Compilation missing = withSecret(site(secure("breakwater.dev/client-ca-secret", "nope")), cert).compile();

        VirtualHost vh = c.table().virtualHosts().get(0);
        assertThat(vh.clientAuth().caCertificates()).isEqualTo(PKI.caPem());
        assertThat(vh.clientAuth().required()).isFalse();
        assertThat(route(missing.table(), "shop.example.com").action()).as("fails closed")
                .isInstanceOf(RouteAction.FixedResponse.class);
        assertThat(missing.diagnostics()).anySatisfy(d -> assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR));
    }

    @Test
    void passCertificateToUpstreamNeedsClientCertificatesAndIsOnTheRoutesPolicy() {
        TestPki.Issued cert = PKI.server("shop.example.com");
        Compilation c = withSecret(site(secure("nginx.ingress.kubernetes.io/auth-tls-secret", "default/clients",
                "nginx.ingress.kubernetes.io/auth-tls-pass-certificate-to-upstream", "true")), cert)
                .secret("default", "clients", "Opaque", "ca.crt", PKI.caPem())
                .compile();
        Compilation alone = withSecret(site(secure(
                "nginx.ingress.kubernetes.io/auth-tls-pass-certificate-to-upstream", "true")), cert).compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c.table(), "shop.example.com").policy().passClientCertificate()).isTrue();
        assertThat(route(alone.table(), "shop.example.com").policy().passClientCertificate()).isNull();
        assertThat(alone.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.field()).isEqualTo("metadata.annotations['nginx.ingress.kubernetes.io/"
                    + "auth-tls-pass-certificate-to-upstream']");
            assertThat(d.reason()).startsWith("has no effect without client certificates");
        });
    }

    @Test
    void resilienceAnnotationsBecomeRouteAndClusterPolicies() {
        Compilation c = site(Fixtures.ingress("default", "app").host("app.example.com").prefix("/", "web", 80)
                .annotation("nginx.ingress.kubernetes.io/affinity", "cookie")
                .annotation("nginx.ingress.kubernetes.io/session-cookie-name", "route")
                .annotation("nginx.ingress.kubernetes.io/session-cookie-max-age", "3600")
                .annotation("breakwater.dev/load-balance", "least-request")
                .annotation("breakwater.dev/retries", "3")
                .annotation("breakwater.dev/retry-on", "5xx,reset")
                .annotation("breakwater.dev/retry-budget-percent", "10")
                .annotation("breakwater.dev/per-try-timeout", "2s")
                .annotation("breakwater.dev/health-check-path", "/healthz")
                .annotation("breakwater.dev/health-check-interval", "2s")
                .annotation("breakwater.dev/drain-timeout", "45s")
                .annotation("breakwater.dev/slow-start", "30s")
                .annotation("nginx.ingress.kubernetes.io/proxy-connect-timeout", "3")
                .annotation("nginx.ingress.kubernetes.io/proxy-read-timeout", "120")
                .annotation("nginx.ingress.kubernetes.io/proxy-body-size", "8m")
                .annotation("nginx.ingress.kubernetes.io/configuration-snippet", "more_set_headers 'x: y';")
                .build()).compile();

        Route r = route(c.table(), "app.example.com");
        assertThat(r.policy().affinity().cookieName()).isEqualTo("route");
        assertThat(r.policy().affinity().maxAgeSeconds()).isEqualTo(3600);
        assertThat(r.policy().retries().attempts()).isEqualTo(3);
        assertThat(r.policy().retries().on5xx()).isTrue();
        assertThat(r.policy().retries().onReset()).isTrue();
        assertThat(r.policy().retries().budgetPercent()).isEqualTo(10);
        assertThat(r.policy().retries().perTryTimeoutMillis()).isEqualTo(2000);
        assertThat(r.policy().connectTimeoutMillis()).isEqualTo(3000);
        assertThat(r.policy().responseTimeoutMillis()).isEqualTo(120_000);
        assertThat(r.policy().maxRequestBodyBytes()).isEqualTo(8L << 20);
        ClusterPolicy p = c.table().clusters().get(0).policy();
        assertThat(p.loadBalancer().type()).isEqualTo(ClusterPolicy.LoadBalancer.Type.LEAST_REQUEST);
        assertThat(p.healthCheck().path()).isEqualTo("/healthz");
        assertThat(p.healthCheck().intervalMillis()).isEqualTo(2000);
        assertThat(p.drainTimeoutMillis()).isEqualTo(45_000);
        assertThat(p.slowStartWindowMillis()).isEqualTo(30_000);
        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("metadata.annotations['nginx.ingress.kubernetes.io/configuration-snippet']");
            assertThat(d.reason()).contains("snippets are not supported");
        });
    }

    @Test
    void hashingAnnotationsReadBothSpellings() {
        RoutingTable t = site(Fixtures.ingress("default", "app").host("app.example.com").prefix("/", "web", 80)
                .annotation("nginx.ingress.kubernetes.io/upstream-hash-by", "$http_x_user").build()).compile().table();
        ClusterPolicy.LoadBalancer lb = t.clusters().get(0).policy().loadBalancer();

        assertThat(lb.type()).isEqualTo(ClusterPolicy.LoadBalancer.Type.RING_HASH);
        assertThat(lb.hashKey().source()).isEqualTo(ClusterPolicy.HashKey.Source.HEADER);
        assertThat(lb.hashKey().name()).isEqualTo("x-user");
    }

    @Test
    void certificatesAreCheckedAtTheGivenTime() {
        TestPki.Issued cert = PKI.server("shop.example.com");
        Compilation later = Compiler.compile(withSecret(site(secure()), cert).build(),
                CompilerOptions.local().at(Instant.now().plus(Duration.ofDays(400))));

        assertThat(later.diagnostics()).anySatisfy(d -> assertThat(d.reason()).contains("expired"));
        List<Certificate> none = later.table().certificates();
        assertThat(none).isEmpty();
    }
}
