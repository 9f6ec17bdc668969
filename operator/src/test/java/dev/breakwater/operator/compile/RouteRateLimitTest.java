package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.crd.RuleSpec;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.RateLimit;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A Route rule's {@code rateLimit}, compiled into its routes' policy; each bad value named by its field. */
class RouteRateLimitTest {

    private static final String SHOP = "Route/default/shop";
    private static final YAMLMapper YAML = (YAMLMapper) new YAMLMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Route default/shop on a.com and b.com with these rules (YAML, as a manifest writes them), and Service web. */
    private static Compilation compile(String rules) {
        dev.breakwater.operator.crd.Route route = Fixtures.route("default", "shop").hostnames("a.com", "b.com").build();
        try {
            route.getSpec().rules = YAML.readValue(rules, new TypeReference<List<RuleSpec>>() { });
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        return Snapshots.with(route).service("default", "web", "10.0.0.1").compile();
    }

    private static Route route(Compilation c, String host, String path) {
        return TableLookup.find(c.table(), host, path).orElseThrow();
    }

    @Test
    void aRuleLimitIsOneZoneOverItsMatchesAndHostnames() {
        Compilation c = compile("""
                - name: api
                  matches: [{path: {type: PathPrefix, value: /api}}, {path: {type: Exact, value: /v1}}]
                  backends: [{name: web, port: 80}]
                  rateLimit:
                    requests: 100
                    per: 1m
                    burst: 150
                    key: {header: X-Api-Key}
                    exempt: [10.0.0.0/8, "2001:db8::/32"]
                - backends: [{name: web, port: 80}]
                """);

        assertThat(c.diagnostics()).isEmpty();
        RateLimit expected = new RateLimit(100, 60_000, 150, RateLimit.Key.header("x-api-key"),
                List.of("10.0.0.0/8", "2001:db8::/32"), "Route/default/shop#api");
        for (String host : List.of("a.com", "b.com")) {
            assertThat(route(c, host, "/api/x").policy().rateLimit()).isEqualTo(expected);
            assertThat(route(c, host, "/v1").policy().rateLimit()).isEqualTo(expected);
            assertThat(route(c, host, "/other").policy().rateLimit()).isNull();
        }
        assertThat(route(c, "a.com", "/api").action()).isEqualTo(RouteAction.Forward.to("default/web:http"));
    }

    @Test
    void burstDefaultsToTheRateAndTheKeyToTheClientAddress() {
        Compilation c = compile("""
                - matches: [{path: {type: PathPrefix, value: /a}}]
                  backends: [{name: web, port: 80}]
                  rateLimit: {requests: 10, per: 1s}
                - matches: [{path: {type: PathPrefix, value: /b}}]
                  backends: [{name: web, port: 80}]
                  rateLimit: {requests: 5, per: Hour, key: {route: true}}
                - matches: [{path: {type: PathPrefix, value: /c}}]
                  backends: [{name: web, port: 80}]
                  rateLimit: {requests: 600, per: 1m30s, burst: 1, key: {sourceIP: true}}
                """);

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c, "a.com", "/a").policy().rateLimit())
                .isEqualTo(new RateLimit(10, 1000, 10, RateLimit.Key.SOURCE_IP, null, SHOP + "#0"));
        assertThat(route(c, "a.com", "/b").policy().rateLimit())
                .isEqualTo(new RateLimit(5, 3_600_000, 5, RateLimit.Key.ROUTE, null, SHOP + "#1"));
        assertThat(route(c, "a.com", "/c").policy().rateLimit())
                .isEqualTo(new RateLimit(600, 90_000, 1, RateLimit.Key.SOURCE_IP, null, SHOP + "#2"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '§', quoteCharacter = '`', value = {
        // the rate limit, as YAML  §  the field named  §  the reason  §  what is served: none, or the limit left
        "{per: 1s}                              § requests § requests is required; no rate limit § none",
        "{requests: 0, per: 1s}                 § requests § 0 is not 1-1000000000; no rate limit § none",
        "{requests: 10}                         § per § per is required (a duration such as 1s, 1m or 1h); no rate limit "
                + "§ none",
        "{requests: 10, per: fortnight}         § per § \"fortnight\" is not a duration such as 1s, 1m or 1h; no rate "
                + "limit § none",
        "{requests: 10, per: 10}                § per § \"10\" is not a duration such as 1s, 1m or 1h; no rate limit "
                + "§ none",
        "{requests: 10, per: 0s}                § per § \"0s\" is not from 1ms to 366 days; no rate limit § none",
        "{requests: 10, per: 9000h}             § per § \"9000h\" is not from 1ms to 366 days; no rate limit § none",
        "{requests: 10, per: 1s, burst: 0}      § burst § 0 is not 1-1000000000; using requests (10) "
                + "§ 10/1000/10/SOURCE_IP/",
        "{requests: 10, per: 1s, key: {sourceIP: true, route: true}} § key § exactly one of header, sourceIP: true "
                + "and route: true is required; the limit is per client address § 10/1000/10/SOURCE_IP/",
        "{requests: 10, per: 1s, key: {sourceIP: false}} § key § exactly one of header, sourceIP: true and route: true "
                + "is required; the limit is per client address § 10/1000/10/SOURCE_IP/",
        "{requests: 10, per: 1s, key: {header: 'X Key'}} § key.header § \"X Key\" is not a header name (a token of "
                + "letters, digits and !#$%&'*+-.^_`|~); the limit is per client address § 10/1000/10/SOURCE_IP/",
        "{requests: 10, per: 1s, exempt: [10.0.0.0/8, 10.0.0.0/40]} § exempt[1] § \"10.0.0.0/40\" has a bad prefix "
                + "length (expected: 0 to 32); not exempt § 10/1000/10/SOURCE_IP/10.0.0.0/8",
    })
    void badValuesAreNamedAndTheRuleStillServes(String limit, String field, String reason, String served) {
        Compilation c = compile("- backends: [{name: web, port: 80}]\n  rateLimit: " + limit + "\n");

        assertThat(c.diagnostics()).containsExactly(Diagnostic.error(SHOP, "spec.rules[0].rateLimit." + field,
                reason));
        Route r = route(c, "a.com", "/");
        assertThat(r.action()).isEqualTo(RouteAction.Forward.to("default/web:http"));
        if (served.equals("none")) {
            assertThat(r.policy().rateLimit()).isNull();
        } else {
            String[] p = served.split("/", 5);
            assertThat(r.policy().rateLimit()).isEqualTo(new RateLimit(Long.parseLong(p[0]), Long.parseLong(p[1]),
                    Long.parseLong(p[2]), new RateLimit.Key(RateLimit.Key.Type.valueOf(p[3]), null),
                    p[4].isEmpty() ? null : List.of(p[4]), SHOP + "#0"));
        }
    }
}
