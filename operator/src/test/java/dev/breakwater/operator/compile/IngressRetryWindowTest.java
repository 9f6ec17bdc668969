package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.fixture.IngressFixture;
import dev.breakwater.routing.Retries;
import org.junit.jupiter.api.Test;

/** ingress-nginx's {@code proxy-next-upstream-timeout} compiled into the retry window of the routes' retries. */
class IngressRetryWindowTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static Retries retries(IngressFixture ingress) {
        Compilation c = Snapshots.with(ingress.build()).service("default", "app", "10.0.0.1").compile();
        assertThat(c.diagnostics()).isEmpty();
        return TableLookup.find(c.table(), "a.com", "/").orElseThrow().policy().retries();
    }

    private static IngressFixture web() {
        return Fixtures.ingress("default", "web").host("a.com").prefix("/", "app", 80);
    }

    @Test
    void theTimeoutAloneKeepsTheDefaultRetriesWithAWindow() {
        assertThat(retries(web().annotation(NGINX + "proxy-next-upstream-timeout", "5")))
                .isEqualTo(Retries.DEFAULTS.withRetryWindow(5_000L));
    }

    @Test
    void withTheOtherKeysItBoundsTheirRetries() {
        Retries r = retries(web().annotation(NGINX + "proxy-next-upstream", "error timeout http_503")
                .annotation(NGINX + "proxy-next-upstream-tries", "4")
                .annotation(NGINX + "proxy-next-upstream-timeout", "2"));

        assertThat(r.attempts()).isEqualTo(4);
        assertThat(r.on5xx()).isTrue();
        assertThat(r.onReset()).isTrue();
        assertThat(r.retryWindowMillis()).isEqualTo(2_000L);
    }

    @Test
    void zeroIsNoLimitAsInIngressNginx() {
        assertThat(retries(web().annotation(NGINX + "proxy-next-upstream-timeout", "0"))).isNull();
        assertThat(retries(web().annotation(NGINX + "proxy-next-upstream-tries", "2")
                .annotation(NGINX + "proxy-next-upstream-timeout", "0")).retryWindowMillis()).isNull();
    }
}
