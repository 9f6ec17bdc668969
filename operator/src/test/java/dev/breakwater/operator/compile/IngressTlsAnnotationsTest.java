package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.fixture.IngressFixture;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Redirect, HSTS, backend protocol, upstream verification and client-certificate annotations. */
class IngressTlsAnnotationsTest {

    private static final TestPki PKI = TestPki.create("Annotation test CA");
    private static final TestPki.Issued SHOP_CERT = PKI.server("shop.example.com", "plain.example.com");
    private static final String TLS = "kubernetes.io/tls";

    /** default/shop: shop.example.com over TLS, plain.example.com without, plus the given annotations. */
    private static IngressFixture shop(String... annotations) {
        IngressFixture f = Fixtures.ingress("default", "shop").created("2024-01-01T00:00:00Z")
                .host("shop.example.com").prefix("/", "web", 80)
                .host("plain.example.com").prefix("/", "web", 80)
                .tls("shop-tls", "shop.example.com");
        for (int i = 0; i < annotations.length; i += 2) {
            f.annotation(annotations[i], annotations[i + 1]);
        }
        return f;
    }

    private static Snapshots snapshot(io.fabric8.kubernetes.api.model.networking.v1.Ingress... ingresses) {
        return Snapshots.with(ingresses).service("default", "web", "10.0.0.1")
                .secret("default", "shop-tls", TLS, "tls.crt", SHOP_CERT.chainPem(), "tls.key", SHOP_CERT.keyPem());
    }

    private static List<Route> routes(RoutingTable t, String host) {
        return t.virtualHosts().stream().filter(v -> v.hostname().equals(host)).findFirst().orElseThrow().routes();
    }

    private static RoutePolicy policy(RoutingTable t, String host) {
        return routes(t, host).get(0).policy();
    }

    private static VirtualHost vhost(RoutingTable t, String host) {
        return t.virtualHosts().stream().filter(v -> v.hostname().equals(host)).findFirst().orElseThrow();
    }

    // ---- redirect and HSTS

    @Test
    void tlsHostsRedirectByDefaultAndOthersDoNot() {
        RoutingTable t = snapshot(shop().defaultBackend("web", 80).build(),
                Fixtures.ingress("default", "global").created("2024-02-01T00:00:00Z").defaultBackend("web", 80)
                        .build()).compile().table();

        assertThat(routes(t, "shop.example.com")).as("rule and own default backend")
                .allSatisfy(r -> assertThat(r.policy().redirectsToHttps()).isTrue()).hasSize(2);
        assertThat(policy(t, "plain.example.com").redirectsToHttps()).isFalse();
        assertThat(policy(t, "plain.example.com").hsts()).isNull();
        assertThat(routes(t, VirtualHost.CATCH_ALL)).singleElement()
                .satisfies(r -> assertThat(r.policy()).isEqualTo(RoutePolicy.DEFAULTS));
    }

    @Test
    void theFallbackOfAnotherIngressKeepsTheDefaults() {
        RoutingTable t = snapshot(shop().build(),
                Fixtures.ingress("default", "global").created("2024-02-01T00:00:00Z").defaultBackend("web", 80)
                        .build()).compile().table();

        List<Route> rs = routes(t, "shop.example.com");
        assertThat(rs.get(0).policy().redirectsToHttps()).isTrue();
        assertThat(rs.get(rs.size() - 1).name()).endsWith("#default-backend");
        assertThat(rs.get(rs.size() - 1).policy()).isEqualTo(RoutePolicy.DEFAULTS);
    }

    @ParameterizedTest
    @CsvSource({
        "breakwater.dev/ssl-redirect, false, false, false",
        "nginx.ingress.kubernetes.io/ssl-redirect, false, false, false",
        "nginx.ingress.kubernetes.io/ssl-redirect, TRUE, true, false",
        "nginx.ingress.kubernetes.io/force-ssl-redirect, true, true, true",
        "breakwater.dev/force-ssl-redirect, true, true, true",
        "breakwater.dev/force-ssl-redirect, false, true, false",
    })
    void redirectAnnotations(String key, String value, boolean tlsHost, boolean plainHost) {
        Compilation c = snapshot(shop(key, value).build()).compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(policy(c.table(), "shop.example.com").redirectsToHttps()).isEqualTo(tlsHost);
        assertThat(policy(c.table(), "plain.example.com").redirectsToHttps()).isEqualTo(plainHost);
    }

    @Test
    void hstsAnnotations() {
        RoutingTable on = snapshot(shop("breakwater.dev/hsts", "true").build()).compile().table();
        RoutingTable full = snapshot(shop("breakwater.dev/hsts", "true", "breakwater.dev/hsts-max-age", "0",
                "breakwater.dev/hsts-include-subdomains", "true", "breakwater.dev/hsts-preload", "true").build())
                .compile().table();

        assertThat(policy(on, "shop.example.com").hsts()).isEqualTo(new RoutePolicy.Hsts(31_536_000, false, false));
        assertThat(policy(full, "shop.example.com").hsts().headerValue())
                .isEqualTo("max-age=0; includeSubDomains; preload");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "breakwater.dev/hsts-max-age | -3 | is not a whole number of seconds",
        "breakwater.dev/hsts-max-age | 1y | is not a whole number of seconds",
        "breakwater.dev/hsts | yes | is not true or false",
        "breakwater.dev/hsts-preload | maybe | is not true or false",
        "breakwater.dev/ssl-redirect | maybe | is not true or false",
        "nginx.ingress.kubernetes.io/force-ssl-redirect | on | is not true or false",
    })
    void aBadValueIsAWarningNamingTheAnnotationAndTheDefaultApplies(String key, String value, String reason) {
        Compilation c = snapshot(shop("breakwater.dev/hsts", "true", key, value).build()).compile();

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.object()).isEqualTo("Ingress/default/shop");
            assertThat(d.field()).isEqualTo("metadata.annotations['" + key + "']");
            assertThat(d.reason()).contains("\"" + value + "\"").contains(reason);
        });
        RoutePolicy p = policy(c.table(), "shop.example.com");
        assertThat(p.redirectsToHttps()).isTrue();
        assertThat(policy(c.table(), "plain.example.com").redirectsToHttps()).isFalse();
        if (!key.equals("breakwater.dev/hsts")) {
            assertThat(p.hsts()).isEqualTo(new RoutePolicy.Hsts(31_536_000, false, false));
        }
    }

    @Test
    void hstsDetailsWithoutHstsAndUnknownKeysAreReported() {
        Compilation c = snapshot(shop("breakwater.dev/hsts-max-age", "600", "breakwater.dev/ssl-redirekt", "false")
                .build()).compile();

        assertThat(c.diagnostics()).extracting(Diagnostic::field).containsExactlyInAnyOrder(
                "metadata.annotations['breakwater.dev/hsts-max-age']",
                "metadata.annotations['breakwater.dev/ssl-redirekt']");
        assertThat(c.diagnostics()).allSatisfy(d -> assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING));
        assertThat(policy(c.table(), "shop.example.com").hsts()).isNull();
        assertThat(policy(c.table(), "shop.example.com").redirectsToHttps()).isTrue();
    }

    // ---- backend protocol and upstream TLS

    @ParameterizedTest
    @CsvSource({
        "breakwater.dev/backend-protocol, HTTP, HTTP1, default/web:http",
        "nginx.ingress.kubernetes.io/backend-protocol, https, HTTPS, default/web:http|https",
        "nginx.ingress.kubernetes.io/backend-protocol, GRPC, H2C, default/web:http|h2c",
        "breakwater.dev/backend-protocol, h2c, H2C, default/web:http|h2c",
        "nginx.ingress.kubernetes.io/backend-protocol, GrpcS, H2, default/web:http|h2",
    })
    void backendProtocols(String key, String value, Cluster.Protocol protocol, String cluster) {
        Compilation c = snapshot(shop(key, value).build()).compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.table().clusters()).singleElement().satisfies(k -> {
            assertThat(k.protocol()).isEqualTo(protocol);
            assertThat(k.name()).isEqualTo(cluster);
            assertThat(k.tls()).isNull();
        });
        assertThat(routes(c.table(), "shop.example.com").get(0).action()).isEqualTo(RouteAction.Forward.to(cluster));
    }

    @Test
    void anUnknownProtocolIsAWarningAndHttp() {
        Compilation c = snapshot(shop("nginx.ingress.kubernetes.io/backend-protocol", "AJP").build()).compile();

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("metadata.annotations['nginx.ingress.kubernetes.io/backend-protocol']");
            assertThat(d.reason()).contains("\"AJP\"").contains("using HTTP");
        });
        assertThat(c.table().clusters()).singleElement()
                .satisfies(k -> assertThat(k.protocol()).isEqualTo(Cluster.Protocol.HTTP1));
    }

    @Test
    void oneServicePortWithTwoProtocolsGetsTwoClusters() {
        Compilation c = snapshot(shop().build(), Fixtures.ingress("default", "grpc").created("2024-02-01T00:00:00Z")
                .host("grpc.example.com").prefix("/", "web", 80)
                .annotation("breakwater.dev/backend-protocol", "GRPC").build()).compile();

        assertThat(c.table().clusters()).extracting(Cluster::name)
                .containsExactly("default/web:http", "default/web:http|h2c");
        assertThat(c.table().clusters()).extracting(k -> k.endpoints().get(0).authority())
                .containsOnly(c.table().clusters().get(0).endpoints().get(0).authority());
    }

    @Test
    void ingressNginxUpstreamVerificationNeedsProxySslVerifyOn() {
        String[] secretOnly = {"nginx.ingress.kubernetes.io/backend-protocol", "HTTPS",
            "nginx.ingress.kubernetes.io/proxy-ssl-secret", "default/backend-ca"};
        Compilation noVerify = snapshot(shop(secretOnly).build())
                .secret("default", "backend-ca", "Opaque", "ca.crt", PKI.caPem()).compile();
        Compilation verify = snapshot(shop(secretOnly).annotation("nginx.ingress.kubernetes.io/proxy-ssl-verify", "on")
                .annotation("nginx.ingress.kubernetes.io/proxy-ssl-name", "web.internal").build())
                .secret("default", "backend-ca", "Opaque", "ca.crt", PKI.caPem()).compile();

        assertThat(noVerify.diagnostics()).isEmpty();
        assertThat(noVerify.table().clusters()).singleElement().satisfies(k -> assertThat(k.tls()).isNull());
        assertThat(verify.diagnostics()).isEmpty();
        assertThat(verify.table().clusters()).singleElement().satisfies(k -> {
            assertThat(k.protocol()).isEqualTo(Cluster.Protocol.HTTPS);
            assertThat(k.tls()).isEqualTo(new Cluster.UpstreamTls(PKI.caPem(), "web.internal"));
            assertThat(k.name()).startsWith("default/web:http|https|");
        });
    }

    @Test
    void proxySslServerNameOnIsWhatIsDoneAndOffOrWithoutANameAWarning() {
        String[] https = {"nginx.ingress.kubernetes.io/backend-protocol", "HTTPS"};
        Compilation on = snapshot(shop(https).annotation("nginx.ingress.kubernetes.io/proxy-ssl-name", "web.internal")
                .annotation("nginx.ingress.kubernetes.io/proxy-ssl-server-name", "on").build()).compile();
        Compilation off = snapshot(shop(https).annotation("nginx.ingress.kubernetes.io/proxy-ssl-name", "web.internal")
                .annotation("nginx.ingress.kubernetes.io/proxy-ssl-server-name", "off").build()).compile();
        Compilation nameless = snapshot(shop(https)
                .annotation("nginx.ingress.kubernetes.io/proxy-ssl-server-name", "on").build()).compile();

        assertThat(on.diagnostics()).isEmpty();
        assertThat(on.table().clusters()).singleElement().satisfies(k -> assertThat(k.tls().serverName())
                .isEqualTo("web.internal"));
        assertThat(off.diagnostics()).singleElement().satisfies(d -> assertThat(d.reason()).isEqualTo("\"off\" is "
                + "not applied: Breakwater sends nginx.ingress.kubernetes.io/proxy-ssl-name (\"web.internal\") as SNI "
                + "to the endpoints"));
        assertThat(nameless.diagnostics()).singleElement().satisfies(d -> assertThat(d.reason()).startsWith(
                "no name is sent as SNI without nginx.ingress.kubernetes.io/proxy-ssl-name"));
    }

    @Test
    void anUnreadableBackendCaFailsClosedWithAnError() {
        Compilation c = snapshot(shop("breakwater.dev/backend-protocol", "GRPCS",
                "nginx.ingress.kubernetes.io/proxy-ssl-secret", "backend-ca",
                "nginx.ingress.kubernetes.io/proxy-ssl-verify", "on").defaultBackend("web", 80).build(),
                Fixtures.ingress("default", "other").created("2024-02-01T00:00:00Z").host("other.example.com")
                        .prefix("/", "web", 80).build())
                .secret("default", "backend-ca", "Opaque", "ca.crt", "not a certificate").compile();

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(d.object()).isEqualTo("Ingress/default/shop");
            assertThat(d.field()).isEqualTo("metadata.annotations['nginx.ingress.kubernetes.io/proxy-ssl-secret']");
            assertThat(d.reason()).contains("Secret default/backend-ca").contains("ca.crt").contains("503");
        });
        for (String host : List.of("shop.example.com", "plain.example.com")) {
            assertThat(routes(c.table(), host)).as(host).allSatisfy(r -> assertThat(r.action())
                    .isEqualTo(new RouteAction.FixedResponse(503, "backend unavailable\n")));
        }
        assertThat(routes(c.table(), "other.example.com").get(0).action()).isInstanceOf(RouteAction.Forward.class);
    }

    @Test
    void upstreamTlsAnnotationsWithAPlainProtocolAreReported() {
        Compilation c = snapshot(shop("breakwater.dev/backend-ca-secret", "backend-ca").build()).compile();

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.field()).isEqualTo("metadata.annotations['breakwater.dev/backend-ca-secret']");
            assertThat(d.reason()).contains("not HTTPS or GRPCS");
        });
        assertThat(c.table().clusters()).singleElement().satisfies(k -> assertThat(k.tls()).isNull());
    }

    // ---- client certificates

    @ParameterizedTest
    @CsvSource(nullValues = "none", value = {
        "none, true",
        "on, true",
        "optional, false",
        "optional_no_ca, false",
    })
    void clientCertificatesFromTheCaOfATlsSecret(String verify, boolean required) {
        IngressFixture f = shop("breakwater.dev/client-ca-secret", "default/clients");
        if (verify != null) {
            f.annotation("breakwater.dev/client-verify", verify);
        }
        TestPki.Issued anyLeaf = PKI.server("clients.example.com");
        Compilation c = snapshot(f.build()).secret("default", "clients", TLS, "tls.crt", anyLeaf.chainPem(),
                "tls.key", anyLeaf.keyPem(), "ca.crt", PKI.caPem()).compile();

        assertThat(c.diagnostics()).as("plain.example.com has no TLS").singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.field()).isEqualTo("metadata.annotations['breakwater.dev/client-ca-secret']");
            assertThat(d.reason()).contains("plain.example.com").contains("no TLS");
        });
        assertThat(vhost(c.table(), "shop.example.com").clientAuth()).satisfies(a -> {
            assertThat(a.caCertificates()).isEqualTo(PKI.caPem());
            assertThat(a.required()).isEqualTo(required);
        });
        assertThat(vhost(c.table(), "plain.example.com").clientAuth()).isNull();
    }

    @Test
    void clientVerifyOffAsksForNoCertificate() {
        Compilation c = snapshot(shop("nginx.ingress.kubernetes.io/auth-tls-secret", "default/clients",
                "nginx.ingress.kubernetes.io/auth-tls-verify-client", "off").build()).compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(vhost(c.table(), "shop.example.com").clientAuth()).isNull();
    }

    @Test
    void aBadClientVerifyValueIsAWarningAndOn() {
        Compilation c = snapshot(shop("nginx.ingress.kubernetes.io/auth-tls-secret", "default/clients",
                "nginx.ingress.kubernetes.io/auth-tls-verify-client", "sometimes").build())
                .secret("default", "clients", "Opaque", "ca.crt", PKI.caPem()).compile();

        assertThat(c.diagnostics()).anySatisfy(d -> assertThat(d.field())
                .isEqualTo("metadata.annotations['nginx.ingress.kubernetes.io/auth-tls-verify-client']"));
        assertThat(vhost(c.table(), "shop.example.com").clientAuth().required()).isTrue();
    }

    @Test
    void twoIngressesDisagreeingOnClientAuthForAHostTheOldestWins() {
        TestPki other = TestPki.create("Other CA");
        Compilation c = snapshot(shop("breakwater.dev/client-ca-secret", "clients").build(),
                Fixtures.ingress("default", "newer").created("2024-02-01T00:00:00Z").host("shop.example.com")
                        .prefix("/newer", "web", 80).tls("shop-tls", "shop.example.com")
                        .annotation("breakwater.dev/client-ca-secret", "other-clients").build())
                .secret("default", "clients", "Opaque", "ca.crt", PKI.caPem())
                .secret("default", "other-clients", "Opaque", "ca.crt", other.caPem()).compile();

        assertThat(vhost(c.table(), "shop.example.com").clientAuth().caCertificates()).isEqualTo(PKI.caPem());
        assertThat(c.diagnosticsOf("Ingress/default/newer")).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.reason()).contains("Ingress/default/shop");
        });
    }

    @Test
    void aMissingClientCaMakesEveryRouteOfTheHostAnswer503() {
        Compilation c = snapshot(shop("nginx.ingress.kubernetes.io/auth-tls-secret", "default/nope")
                        .defaultBackend("web", 80).build(),
                Fixtures.ingress("default", "newer").created("2024-02-01T00:00:00Z").host("shop.example.com")
                        .prefix("/newer", "web", 80).build()).compile();

        assertThat(c.diagnosticsOf("Ingress/default/shop")).filteredOn(d -> d.severity() == Diagnostic.Severity.ERROR)
                .singleElement().satisfies(d -> {
                    assertThat(d.field()).isEqualTo("metadata.annotations['nginx.ingress.kubernetes.io/auth-tls-secret']");
                    assertThat(d.reason()).contains("Secret default/nope does not exist").contains("503");
                });
        assertThat(routes(c.table(), "shop.example.com")).hasSize(3).allSatisfy(r -> assertThat(r.action())
                .isEqualTo(new RouteAction.FixedResponse(503, "backend unavailable\n")));
        assertThat(vhost(c.table(), "shop.example.com").clientAuth()).isNull();
        assertThat(routes(c.table(), "plain.example.com").get(0).action()).isInstanceOf(RouteAction.Forward.class);
        assertThat(c.table().certificates()).hasSize(1);
    }
}
