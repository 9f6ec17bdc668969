package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.crd.RuleSpec;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.ExternalAuth;
import dev.breakwater.routing.Route;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Route rule's {@code forwardAuth} and {@code basicAuth} compiled; what cannot be enforced fails closed. */
class RouteAuthTest {

    private static final YAMLMapper YAML = (YAMLMapper) new YAMLMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    // `htpasswd -nbB alice wonderland`
    private static final String ALICE = "$2y$05$Mj6TD1pU43Vn2hqEvoRlkuJCuFEfuBkRPnURj22HtkufiTIO9C/sC";

    private static Compilation compile(String rules, String... secret) {
        dev.breakwater.operator.crd.Route route = Fixtures.route("default", "shop").hostnames("a.com").build();
        try {
            route.getSpec().rules = YAML.readValue(rules, new TypeReference<List<RuleSpec>>() { });
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        Snapshots s = Snapshots.with(route).service("default", "web", "10.0.0.1");
        if (secret.length > 0) {
            s.secret("default", "users", "Opaque", secret);
        }
        return s.compile();
    }

    private static Route route(Compilation c, String path) {
        return TableLookup.find(c.table(), "a.com", path).orElseThrow();
    }

    @Test
    void forwardAuthAndBasicAuthBecomeTheRulesPolicy() {
        Compilation c = compile("""
                - matches: [{path: {type: PathPrefix, value: /admin}}]
                  backends: [{name: web, port: 80}]
                  basicAuth: {secretName: users, realm: Admins}
                - matches: [{path: {type: PathPrefix, value: /app}}]
                  backends: [{name: web, port: 80}]
                  forwardAuth:
                    url: http://oauth2-proxy.auth.svc:4180/oauth2/auth
                    signin: https://login.example/oauth2/start
                    responseHeaders: [X-Auth-Request-User]
                    timeout: 3s
                    cacheKey: $cookie__oauth2_proxy
                    cacheDuration: 202 1m
                - backends: [{name: web, port: 80}]
                """, "auth", "alice:" + ALICE + "\n");

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c, "/admin").policy().basicAuth().users()).isEqualTo(Map.of("alice", ALICE));
        assertThat(route(c, "/admin").policy().basicAuth().realm()).isEqualTo("Admins");
        ExternalAuth auth = route(c, "/app").policy().externalAuth();
        assertThat(auth.url()).isEqualTo("http://oauth2-proxy.auth.svc:4180/oauth2/auth");
        assertThat(auth.signin()).isEqualTo("https://login.example/oauth2/start");
        assertThat(auth.responseHeaders()).containsExactly("X-Auth-Request-User");
        assertThat(auth.timeoutMillis()).isEqualTo(3000);
        assertThat(auth.cacheMillis()).isEqualTo(Map.of(202, 60_000L));
        assertThat(route(c, "/other").policy().externalAuth()).isNull();
        assertThat(route(c, "/other").policy().basicAuth()).isNull();
        assertThat(TableLookup.service(c.table(), "a.com", "/app")).isEqualTo("web");
    }

    @Test
    void aMissingSecretOrABadUrlIsAnErrorNamingTheFieldAndTheRuleAnswers503() {
        Compilation c = compile("""
                - matches: [{path: {type: PathPrefix, value: /admin}}]
                  backends: [{name: web, port: 80}]
                  basicAuth: {secretName: users, format: Map}
                - matches: [{path: {type: PathPrefix, value: /app}}]
                  backends: [{name: web, port: 80}]
                  forwardAuth: {url: "http://auth.example/", cacheKey: $remote_user}
                - backends: [{name: web, port: 80}]
                """);

        assertThat(c.diagnostics()).filteredOn(d -> d.severity() == Diagnostic.Severity.ERROR)
                .extracting(Diagnostic::field, Diagnostic::reason)
                .anySatisfy(t -> {
                    assertThat(t.toList().get(0)).isEqualTo("spec.rules[0].basicAuth.secretName");
                    assertThat((String) t.toList().get(1)).startsWith("Secret default/users does not exist");
                })
                .anySatisfy(t -> {
                    assertThat(t.toList().get(0)).isEqualTo("spec.rules[1].forwardAuth");
                    assertThat((String) t.toList().get(1)).contains("$remote_user is not one of")
                            .endsWith("the rule answers 503 rather than serve every client");
                });
        assertThat(TableLookup.status(c.table(), "a.com", "/admin")).isEqualTo(503);
        assertThat(TableLookup.status(c.table(), "a.com", "/app")).isEqualTo(503);
        assertThat(TableLookup.service(c.table(), "a.com", "/other")).isEqualTo("web");
    }

    @Test
    void anHtdigestSecretMakesItDigestAuthentication() {
        Compilation c = compile("""
                - backends: [{name: web, port: 80}]
                  basicAuth: {secretName: users, format: Htdigest, realm: Admin area}
                """, "auth", "alice:Admin area:6e66768633c6b68b60187750afd8f40c\n");

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c, "/").policy().digestAuth().users())
                .isEqualTo(Map.of("alice", "6e66768633c6b68b60187750afd8f40c"));
        assertThat(route(c, "/").policy().basicAuth()).isNull();
    }
}
