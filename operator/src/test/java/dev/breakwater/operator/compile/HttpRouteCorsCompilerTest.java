package dev.breakwater.operator.compile;

import static dev.breakwater.operator.compile.GatewayListenersCompilerTest.CLASS;
import static dev.breakwater.operator.compile.GatewayListenersCompilerTest.gateway;
import static dev.breakwater.operator.compile.GatewayListenersCompilerTest.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.Cors;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An HTTPRoute rule's {@code CORS} filter (as ingress2gateway writes it for ingress-nginx's {@code enable-cors}) is the
 * rule's CORS policy, answered by the data plane as for the annotations.
 */
class HttpRouteCorsCompilerTest {

    private static Compilation compile(String rule) {
        return Snapshots.empty().gatewayApi(CLASS + gateway("infra", "edge", """
                        - {name: http, protocol: HTTP, port: 80, hostname: api.example.com}
                        """) + route("infra", "api", """
                        parentRefs: [{name: edge}]
                        rules:
                        %s
                          backendRefs: [{name: web, port: 80}]
                        """.formatted(rule)))
                .service("infra", "web", "10.0.0.1").compile();
    }

    private static Route first(Compilation c) {
        return c.table().virtualHosts().stream().filter(v -> v.hostname().equals("api.example.com")).findFirst()
                .orElseThrow().routes().get(0);
    }

    @Test
    void theFilterIsTheRulesCorsPolicyAsIngress2gatewayWritesIt() {
        Compilation c = compile("""
                - filters:
                  - type: CORS
                    cors:
                      allowOrigins: ["https://app.example.com", "https://*.example.org"]
                      allowMethods: [GET, PUT, POST, DELETE, PATCH, OPTIONS]
                      allowHeaders: [DNT, Keep-Alive, Authorization]
                      exposeHeaders: [X-Trace]
                      allowCredentials: true
                      maxAge: 1728000
                """);

        Route r = first(c);
        assertThat(r.action()).isEqualTo(RouteAction.Forward.to("infra/web:http"));
        assertThat(r.policy().cors()).isEqualTo(new Cors(List.of("https://app.example.com", "https://*.example.org"),
                List.of("GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"), List.of("DNT", "Keep-Alive",
                "Authorization"), List.of("X-Trace"), true, 1728000L, Cors.Dialect.GATEWAY_API));
        assertThat(r.policy().cors().gatewayApi()).isTrue();
        assertThat(c.diagnosticsOf("HTTPRoute/infra/api")).isEmpty();
    }

    @Test
    void maxAgeDefaultsToFiveSecondsAndNoOriginsMeansNoCors() {
        Cors cors = first(compile("""
                - filters: [{type: CORS, cors: {allowOrigins: ["*"]}}]
                """)).policy().cors();
        assertThat(cors.allowsAnyOrigin()).isTrue();
        assertThat(cors.maxAgeSeconds()).isEqualTo(5L);
        assertThat(cors.allowCredentials()).isFalse();
        assertThat(cors.allowMethods()).isEmpty();
        assertThat(first(compile("""
                - filters: [{type: CORS, cors: {allowOrigins: ["https://*", "http://*:8080"], allowCredentials: true}}]
                """)).policy().cors().allowOrigins()).as("a host of * alone, as the spec's pattern allows")
                .containsExactly("https://*", "http://*:8080");

        Compilation none = compile("""
                - filters: [{type: CORS, cors: {allowMethods: [GET]}}]
                """);
        assertThat(first(none).policy().cors()).isNull();
        assertThat(first(none).action()).isEqualTo(RouteAction.Forward.to("infra/web:http"));
    }

    @Test
    void anUnusableOriginOrASecondCorsFilterIsReportedAndTheRuleAnswers500() {
        Compilation bad = compile("""
                - filters: [{type: CORS, cors: {allowOrigins: ["app.example.com"]}}]
                """);
        assertThat(first(bad).action()).isEqualTo(HttpRouteRules.UNSUPPORTED_FILTER);
        assertThat(bad.diagnosticsOf("HTTPRoute/infra/api")).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("spec.rules[0].filters[0].cors.allowOrigins");
            assertThat(d.reason()).contains("'app.example.com'").endsWith("requests of this rule get 500");
        });

        Compilation two = compile("""
                - filters:
                  - {type: CORS, cors: {allowOrigins: ["*"]}}
                  - {type: CORS, cors: {allowOrigins: ["https://app.example.com"]}}
                """);
        assertThat(first(two).action()).isEqualTo(HttpRouteRules.UNSUPPORTED_FILTER);
        assertThat(two.diagnosticsOf("HTTPRoute/infra/api")).singleElement().satisfies(d ->
                assertThat(d.field()).isEqualTo("spec.rules[0].filters[1].type"));
    }
}
