package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.fixture.IngressFixture;
import dev.breakwater.routing.ExternalAuth;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ingress-nginx's {@code auth-keepalive*} annotations compiled into the keep-alive of the routes' external
 * authentication, with ingress-nginx's defaults (1000 requests, 60 s) and its rule that a zero request count or
 * timeout turns keep-alive off.
 */
class IngressAuthKeepaliveTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static IngressFixture web() {
        return Fixtures.ingress("default", "web").host("a.com").prefix("/", "app", 80)
                .annotation(NGINX + "auth-url", "http://oauth2-proxy.auth:4180/oauth2/auth");
    }

    private static Compilation compile(IngressFixture ingress) {
        return Snapshots.with(ingress.build()).service("default", "app", "10.0.0.1").compile();
    }

    private static ExternalAuth auth(Compilation c) {
        return TableLookup.find(c.table(), "a.com", "/").orElseThrow().policy().externalAuth();
    }

    private static List<String> messages(Compilation c) {
        return c.diagnostics().stream().map(Diagnostic::toString).toList();
    }

    @Test
    void withoutAuthKeepaliveTheConnectionsAreThePoolsAndTheOtherKeysHaveNoEffect() {
        Compilation c = compile(web().annotation(NGINX + "auth-keepalive-requests", "5")
                .annotation(NGINX + "auth-keepalive-timeout", "10"));

        assertThat(auth(c).keepalive()).isNull();
        assertThat(messages(c)).hasSize(2).allMatch(m -> m.contains("has no effect without "
                + NGINX + "auth-keepalive (as in ingress-nginx)"));
    }

    @Test
    void authKeepaliveTakesIngressNginxsDefaultsForTheOthers() {
        Compilation c = compile(web().annotation(NGINX + "auth-keepalive", "16"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(auth(c).keepalive()).isEqualTo(new ExternalAuth.Keepalive(16, 1000, 60_000L));

        Compilation own = compile(web().annotation(NGINX + "auth-keepalive", "4")
                .annotation(NGINX + "auth-keepalive-requests", "50").annotation(NGINX + "auth-keepalive-timeout",
                        "5").annotation(NGINX + "auth-keepalive-share-vars", "false"));
        assertThat(own.diagnostics()).isEmpty();
        assertThat(auth(own).keepalive()).isEqualTo(new ExternalAuth.Keepalive(4, 50, 5_000L));
    }

    @Test
    void zeroClosesEachConnectionAndAZeroCountOrTimeoutTurnsKeepaliveOffAsIngressNginx() {
        assertThat(auth(compile(web().annotation(NGINX + "auth-keepalive", "0"))).keepalive())
                .isEqualTo(new ExternalAuth.Keepalive(0, null, null));

        Compilation c = compile(web().annotation(NGINX + "auth-keepalive", "8")
                .annotation(NGINX + "auth-keepalive-timeout", "0"));
        assertThat(auth(c).keepalive()).isEqualTo(new ExternalAuth.Keepalive(0, null, null));
        assertThat(messages(c)).singleElement().asString().contains("auth-keepalive-timeout")
                .contains("\"0\" turns " + NGINX + "auth-keepalive off, as in ingress-nginx");
    }

    @Test
    void badValuesAndShareVarsTrueAreWarnings() {
        Compilation c = compile(web().annotation(NGINX + "auth-keepalive", "-1")
                .annotation(NGINX + "auth-keepalive-share-vars", "true"));

        assertThat(auth(c).keepalive()).isNull();
        assertThat(messages(c)).hasSize(2)
                .anyMatch(m -> m.contains("auth-keepalive']") && m.contains("\"-1\" is not a whole number"))
                .anyMatch(m -> m.contains("auth-keepalive-share-vars") && m.contains("\"true\" is not applied"));
    }
}
