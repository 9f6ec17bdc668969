package dev.breakwater.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.routing.Retries;
import dev.breakwater.routing.RoutePolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RouteLimitsTest {

    private final ProxyConfig config = ProxyConfig.defaults().withConnectTimeout(Duration.ofSeconds(3))
            .withResponseTimeout(Duration.ofSeconds(40)).withMaxRequestBodyBytes(1000)
            .withWebSocketIdleTimeout(Duration.ofMinutes(5));

    @Test
    void aRouteWithoutAPolicyTakesTheProxysDefaults() {
        RouteLimits l = RouteLimits.resolve(RoutePolicy.DEFAULTS, config);
        assertThat(l.maxRequestBodyBytes()).isEqualTo(1000);
        assertThat(l.connectTimeoutMillis()).isEqualTo(3000);
        assertThat(l.responseTimeoutNanos()).isEqualTo(Duration.ofSeconds(40).toNanos());
        assertThat(l.sendTimeoutNanos()).as("the response timeout").isEqualTo(l.responseTimeoutNanos());
        assertThat(l.perTryTimeoutNanos()).isEqualTo(l.responseTimeoutNanos());
        assertThat(l.webSocketIdleMillis()).isEqualTo(300_000);
        assertThat(l.retries()).isEqualTo(Retries.DEFAULTS);
    }

    @Test
    void theRoutesOwnValuesWinAndThePerTryTimeoutIsCappedByTheResponseTimeout() {
        RoutePolicy policy = RoutePolicy.builder().maxRequestBodyBytes(5L).connectTimeoutMillis(250L)
                .responseTimeoutMillis(2000L).sendTimeoutMillis(700L).webSocketIdleTimeoutMillis(9000L)
                .retries(new Retries(3, true, true, 5000L, 20, 3)).build();
        RouteLimits l = RouteLimits.resolve(policy, config);
        assertThat(l.maxRequestBodyBytes()).isEqualTo(5);
        assertThat(l.connectTimeoutMillis()).isEqualTo(250);
        assertThat(l.responseTimeoutNanos()).isEqualTo(Duration.ofMillis(2000).toNanos());
        assertThat(l.sendTimeoutNanos()).isEqualTo(Duration.ofMillis(700).toNanos());
        assertThat(l.perTryTimeoutNanos()).as("capped at the response timeout").isEqualTo(l.responseTimeoutNanos());
        assertThat(l.webSocketIdleMillis()).isEqualTo(9000);
        RouteLimits shortTries = RouteLimits.resolve(policy.toBuilder()
                .retries(new Retries(3, true, true, 500L, 20, 3)).build(), config);
        assertThat(shortTries.perTryTimeoutNanos()).isEqualTo(Duration.ofMillis(500).toNanos());
    }
}
