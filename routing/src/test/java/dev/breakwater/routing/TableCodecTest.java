package dev.breakwater.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableCodecTest {

    static RoutingTable sample() {
        Route api = new Route("default/web:example.com/api", "Ingress/default/web",
                new RouteMatch(PathMatch.prefix("/api"),
                        List.of(new HeaderMatch("X-Canary", StringMatch.EXACT, "yes")),
                        List.of(new QueryParamMatch("v", StringMatch.REGULAR_EXPRESSION, "[0-9]+")), "GET"),
                new RouteAction.Forward(List.of(new RouteAction.BackendRef("default/api:http", 90),
                        new RouteAction.BackendRef("default/api-canary:http", 10))),
                RoutePolicy.builder().connectTimeoutMillis(1000L).responseTimeoutMillis(30_000L)
                        .maxRequestBodyBytes(1L << 20).httpsRedirect(true).hsts(new RoutePolicy.Hsts(31536000, true, false))
                        .webSocketIdleTimeoutMillis(3_600_000L).build());
        Route broken = new Route("default/web:example.com/broken", "Ingress/default/web",
                RouteMatch.path(PathMatch.exact("/broken")),
                new RouteAction.FixedResponse(503, "service default/missing not found"), null);
        Route all = new Route("default/fallback:*/", "Ingress/default/fallback",
                RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("default/api:http"), null);
        return RoutingTable.of(
                List.of(new VirtualHost("example.com", List.of(api, broken),
                                new ClientAuth("-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n", true)),
                        new VirtualHost("*.example.com", List.of(api)),
                        new VirtualHost("*", List.of(all))),
                List.of(new Cluster("default/api:http", Cluster.Protocol.HTTP1,
                                List.of(Endpoint.ready("10.0.0.1", 8080),
                                        new Endpoint("10.0.0.2", 8080, 3, "zone-a", false, true, true))),
                        new Cluster("default/api-canary:http", null,
                                List.of(new Endpoint("fd00::1", 8080, 1, null, true, true, false))),
                        new Cluster("default/grpc:grpc", Cluster.Protocol.H2,
                                List.of(Endpoint.ready("10.0.0.3", 9000)),
                                new Cluster.UpstreamTls("-----BEGIN CERTIFICATE-----\nX\n", "grpc.internal"))),
                List.of(new Certificate("default/example-tls", List.of("example.com", "*.example.com"),
                        "-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----\n",
                        "-----BEGIN PRIVATE KEY-----\nSECRET\n-----END PRIVATE KEY-----\n")));
    }

    @Test
    void roundTripsEveryField() {
        RoutingTable table = sample().withVersion(42);

        RoutingTable decoded = TableCodec.decode(TableCodec.encode(table));

        assertThat(decoded).isEqualTo(table);
        assertThat(decoded.version()).isEqualTo(42);
        assertThat(TableCodec.encodeToString(decoded)).isEqualTo(TableCodec.encodeToString(table));
    }

    @Test
    void encodesRecordsByTheirComponentsOnly() throws Exception {
        // derived accessors (isCatchAll, redirectsToHttps...) must not be encoded: their order would depend on
        // reflection, and the hash on the encoded bytes would differ between JVMs
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(TableCodec.encode(sample()));
        java.util.List<String> vhostFields = new java.util.ArrayList<>();
        json.get("virtualHosts").get(0).fieldNames().forEachRemaining(vhostFields::add);
        java.util.List<String> policyFields = new java.util.ArrayList<>();
        json.get("virtualHosts").get(0).get("routes").get(0).get("policy").fieldNames().forEachRemaining(policyFields::add);

        assertThat(vhostFields).containsExactly("hostname", "routes", "clientAuth");
        // RoutePolicy's components are groups; its wire keys are the flat settings it declares, in their order
        assertThat(policyFields).isSubsetOf(java.util.List.of(RoutePolicy.class
                .getAnnotation(com.fasterxml.jackson.annotation.JsonPropertyOrder.class).value()));
        assertThat(policyFields).doesNotContain("timeouts", "https", "access", "upstream", "responses");
        assertThat(TableCodec.encodeToString(sample())).doesNotContain("catchAll", "wildcard", "redirectsToHttps",
                "retriesOrDefault", "\"http2\"", "\"tls\":true");
    }

    @Test
    void aMultiLabelWildcardIsEncodedOnlyWhenSet() {
        List<Route> routes = List.of(new Route("r", "HTTPRoute/d/r", RouteMatch.path(PathMatch.prefix("/")),
                RouteAction.Forward.to("c"), RoutePolicy.DEFAULTS));
        List<Cluster> clusters = List.of(new Cluster("c", null, List.of(Endpoint.ready("10.0.0.1", 80))));
        RoutingTable one = RoutingTable.of(List.of(new VirtualHost("*.a.com", routes)), clusters, List.of());
        RoutingTable no = RoutingTable.of(List.of(new VirtualHost("*.a.com", routes, null, false, null)), clusters,
                List.of());
        RoutingTable several = RoutingTable.of(List.of(new VirtualHost("*.a.com", routes, null, true, null)),
                clusters, List.of());

        // a table written before the field existed keeps its bytes, and so its hash
        assertThat(TableCodec.encodeToString(no)).isEqualTo(TableCodec.encodeToString(one))
                .doesNotContain("multiLabelWildcard");
        assertThat(no.hash()).isEqualTo(one.hash());
        assertThat(TableCodec.encodeToString(several)).contains("\"multiLabelWildcard\":true");
        assertThat(several.hash()).isNotEqualTo(one.hash());
        VirtualHost decoded = TableCodec.decode(TableCodec.encode(several)).virtualHosts().get(0);
        assertThat(decoded.coversSeveralLabels()).isTrue();
        assertThat(new VirtualHost("a.com", routes, null, true, null).coversSeveralLabels())
                .as("only a wildcard covers labels").isFalse();
    }

    @Test
    void theCorsDialectIsEncodedOnlyForGatewayApi() {
        Cors nginx = new Cors(List.of("https://a.com"), List.of("GET"), null, null, true, 5L);
        Cors gw = new Cors(List.of("https://a.com"), List.of("GET"), null, null, true, 5L, Cors.Dialect.GATEWAY_API);
        RoutingTable without = RoutingTable.of(List.of(new VirtualHost("a.com", List.of(new Route("r", "Ingress/d/r",
                RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("c"), RoutePolicy.DEFAULTS.withCors(nginx))))),
                List.of(new Cluster("c", null, List.of(Endpoint.ready("10.0.0.1", 80)))), List.of());
        RoutingTable with = RoutingTable.of(List.of(new VirtualHost("a.com", List.of(new Route("r", "HTTPRoute/d/r",
                RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("c"), RoutePolicy.DEFAULTS.withCors(gw))))),
                without.clusters(), List.of());

        assertThat(TableCodec.encodeToString(without)).contains("\"cors\":{").doesNotContain("dialect");
        assertThat(TableCodec.encodeToString(with)).contains("\"dialect\":\"GATEWAY_API\"");
        assertThat(TableCodec.decode(TableCodec.encode(with))).isEqualTo(with);
        assertThat(TableCodec.decode(TableCodec.encode(with)).virtualHosts().get(0).routes().get(0).policy().cors()
                .gatewayApi()).isTrue();
    }

    @Test
    void sendTimeoutIsEncodedOnlyWhenSet() {
        RoutePolicy old = RoutePolicy.builder().connectTimeoutMillis(1000L).responseTimeoutMillis(30_000L).build();
        RoutePolicy withSend = old.withSendTimeoutMillis(5_000L);
        RoutingTable without = RoutingTable.of(List.of(new VirtualHost("a.com", List.of(new Route("r", "Ingress/d/r",
                RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("c"), old)))),
                List.of(new Cluster("c", null, List.of(Endpoint.ready("10.0.0.1", 80)))), List.of());
        RoutingTable with = RoutingTable.of(List.of(new VirtualHost("a.com", List.of(new Route("r", "Ingress/d/r",
                RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("c"), withSend)))),
                without.clusters(), List.of());

        // a table written before the field existed keeps its bytes, and so its hash
        assertThat(TableCodec.encodeToString(without)).doesNotContain("sendTimeoutMillis")
                .contains("\"policy\":{\"connectTimeoutMillis\":1000,\"responseTimeoutMillis\":30000}");
        assertThat(TableCodec.encodeToString(with)).contains("\"sendTimeoutMillis\":5000");
        assertThat(with.hash()).isNotEqualTo(without.hash());
        assertThat(TableCodec.decode(TableCodec.encode(with)).virtualHosts().get(0).routes().get(0).policy()
                .sendTimeoutMillis()).isEqualTo(5_000L);
        assertThat(withSend.withCors(null).withCache(null).withHttpsRedirect(true).sendTimeoutMillis())
                .as("every withX keeps it").isEqualTo(5_000L);
        assertThatThrownBy(() -> old.withSendTimeoutMillis(0L)).hasMessage("sendTimeoutMillis: 0 (expected: > 0)");
    }

    @Test
    void redactsPrivateKeysForDisplay() {
        String shown = TableCodec.encodeRedacted(sample());

        assertThat(shown).contains("LEAF").contains("REDACTED").doesNotContain("SECRET");
    }

    @Test
    void theHeadersForTheAuthServiceTravelAndATableWithoutThemHashesAsBefore() {
        ExternalAuth plain = ExternalAuth.of("http://auth.example:4180/oauth2/auth");
        RoutingTable without = authTable(plain);
        RoutingTable emptyHeaders = authTable(plain.withRequestHeaders(java.util.Map.of()));
        RoutingTable with = authTable(plain.withRequestHeaders(java.util.Map.of("X-Auth-Tenant", "shop")));

        assertThat(emptyHeaders.hash()).isEqualTo(without.hash());
        assertThat(TableCodec.encodeToString(without)).doesNotContain("requestHeaders");
        assertThat(with.hash()).isNotEqualTo(without.hash());
        RoutingTable decoded = TableCodec.decode(TableCodec.encode(with));
        assertThat(decoded).isEqualTo(with);
        assertThat(decoded.virtualHosts().get(0).routes().get(0).policy().externalAuth().requestHeaders())
                .containsExactly(java.util.Map.entry("X-Auth-Tenant", "shop"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> plain.withRequestHeaders(
                java.util.Map.of("X-Bad", "a\r\nInjected: 1"))).hasMessageContaining("requestHeaders: the value of X-Bad");
    }

    private static RoutingTable authTable(ExternalAuth auth) {
        RoutePolicy policy = RoutePolicy.builder().externalAuth(auth).build();
        return RoutingTable.of(List.of(new VirtualHost("a.com", List.of(new Route("r", "test",
                RouteMatch.path(PathMatch.prefix("/")), new RouteAction.FixedResponse(200, "ok"), policy,
                List.of())))), List.of(), List.of());
    }

    @Test
    void redactsPasswordHashesForDisplayAndKeepsThemOnTheWire() {
        String hash = "$2y$05$Mj6TD1pU43Vn2hqEvoRlkuJCuFEfuBkRPnURj22HtkufiTIO9C/sC";
        RoutePolicy policy = RoutePolicy.builder().basicAuth(new BasicAuth("r", java.util.Map.of("alice", hash)))
                .externalAuth(ExternalAuth.of("http://auth.example:4180/oauth2/auth")).build();
        RoutingTable table = RoutingTable.of(List.of(new VirtualHost("a.com", List.of(new Route("r", "test",
                RouteMatch.path(PathMatch.prefix("/")), new RouteAction.FixedResponse(200, "ok"), policy,
                List.of())))), List.of(), List.of());

        assertThat(TableCodec.encodeRedacted(table)).contains("\"alice\" : \"(redacted)\"").doesNotContain(hash)
                .contains("http://auth.example:4180/oauth2/auth");
        RoutingTable decoded = TableCodec.decode(TableCodec.encode(table));
        assertThat(decoded).isEqualTo(table);
        assertThat(decoded.virtualHosts().get(0).routes().get(0).policy().basicAuth().users())
                .containsEntry("alice", hash);
    }

    @Test
    void hashIgnoresVersionButNotContent() {
        RoutingTable a = sample();
        RoutingTable b = sample().withVersion(7);
        RoutingTable c = RoutingTable.of(a.virtualHosts().subList(0, 2), a.clusters(), a.certificates());
        RoutingTable d = RoutingTable.of(a.virtualHosts(), a.clusters(), List.of());

        assertThat(a.hash()).hasSize(64).isEqualTo(b.hash());
        assertThat(a.sameContentAs(b)).isTrue();
        assertThat(c.hash()).isNotEqualTo(a.hash());
        assertThat(d.hash()).isNotEqualTo(a.hash());
        assertThat(RoutingTable.empty().hash()).isNotEqualTo(a.hash());
    }

    @Test
    void rejectsATableWhoseHashDoesNotMatch() {
        String json = TableCodec.encodeToString(sample()).replace("10.0.0.1", "10.0.0.9");

        assertThatThrownBy(() -> TableCodec.decode(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not match its content");
    }

    @Test
    void rejectsWhatIsNotATable() {
        assertThatThrownBy(() -> TableCodec.decode("{\"version\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a routing table");
    }

    @Test
    void recordsAreImmutable() {
        RoutingTable table = sample();
        assertThatThrownBy(() -> table.virtualHosts().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> table.clusters().get(0).endpoints().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void validatesArguments() {
        assertThatThrownBy(() -> Endpoint.ready("10.0.0.1", 0)).hasMessage("port: 0 (expected: 1-65535)");
        assertThatThrownBy(() -> PathMatch.prefix("api")).hasMessageContaining("expected: an absolute path");
        assertThatThrownBy(() -> new VirtualHost("Example.com", List.of())).hasMessageContaining("lower case");
        assertThatThrownBy(() -> RoutePolicy.builder().connectTimeoutMillis(0L).build()).hasMessage("connectTimeoutMillis: 0 (expected: > 0)");
    }

    @Test
    void normalizesPrefixes() {
        assertThat(PathMatch.prefix("/").normalizedPrefix()).isEmpty();
        assertThat(PathMatch.prefix("/foo/").normalizedPrefix()).isEqualTo("/foo");
        assertThat(PathMatch.prefix("/foo").normalizedPrefix()).isEqualTo("/foo");
        assertThat(Endpoint.ready("fd00::1", 80).authority()).isEqualTo("[fd00::1]:80");
    }
}
