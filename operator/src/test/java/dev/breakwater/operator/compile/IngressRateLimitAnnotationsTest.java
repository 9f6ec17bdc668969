package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.fixture.IngressFixture;
import dev.breakwater.routing.RateLimit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ingress-nginx's limit-* annotations and ours (breakwater.dev/rate-limit*), compiled into the routes' rate limit. */
class IngressRateLimitAnnotationsTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final String OURS = "breakwater.dev/";
    private static final String WEB = "Ingress/default/web";

    /** default/web: a.com /api and /, b.com /, with these annotations. */
    private static Compilation compile(String... annotations) {
        IngressFixture f = Fixtures.ingress("default", "web").host("a.com").prefix("/api", "app", 80)
                .prefix("/", "app", 80).host("b.com").prefix("/", "app", 80);
        for (int i = 0; i < annotations.length; i += 2) {
            f.annotation(annotations[i], annotations[i + 1]);
        }
        return Snapshots.with(f.build()).service("default", "app", "10.0.0.1").compile();
    }

    private static RateLimit limit(Compilation c, String host, String path) {
        return TableLookup.find(c.table(), host, path).orElseThrow().policy().rateLimit();
    }

    /** The one limit every route of the Ingress has. */
    private static RateLimit theLimit(Compilation c) {
        RateLimit l = limit(c, "a.com", "/api/x");
        assertThat(limit(c, "a.com", "/")).isEqualTo(l);
        assertThat(limit(c, "b.com", "/x")).isEqualTo(l);
        return l;
    }

    private static void assertWarnings(Compilation c, String... keysAndReasons) {
        assertThat(c.diagnostics()).hasSize(keysAndReasons.length / 2);
        for (int i = 0; i < keysAndReasons.length; i += 2) {
            assertThat(c.diagnostics().get(i / 2)).isEqualTo(Diagnostic.warning(WEB, "metadata.annotations['"
                    + keysAndReasons[i] + "']", keysAndReasons[i + 1]));
        }
    }

    @Test
    void limitRpsIsPerClientAddressWithFiveTimesTheRateAsBurstInOneZonePerIngress() {
        Compilation c = compile(NGINX + "limit-rps", "5");

        assertThat(c.diagnostics()).isEmpty();
        assertThat(theLimit(c)).isEqualTo(new RateLimit(5, 1000, 25, RateLimit.Key.SOURCE_IP, null, WEB));
    }

    @Test
    void rateLimitStatusIsTheStatusOverTheLimit() {
        Compilation c = compile(NGINX + "limit-rps", "5", OURS + "rate-limit-status", "503");

        assertThat(c.diagnostics()).isEmpty();
        assertThat(theLimit(c)).isEqualTo(new RateLimit(5, 1000, 25, RateLimit.Key.SOURCE_IP, null, WEB, 503));
        Compilation bad = compile(NGINX + "limit-rps", "5", OURS + "rate-limit-status", "200");
        assertThat(theLimit(bad).status()).isNull();
        assertThat(bad.diagnostics()).singleElement().satisfies(d -> assertThat(d.field())
                .isEqualTo("metadata.annotations['breakwater.dev/rate-limit-status']"));
    }

    @Test
    void limitRpmWithABurstMultiplierAndAnAllowlist() {
        Compilation c = compile(NGINX + "limit-rpm", "300", NGINX + "limit-burst-multiplier", "3",
                NGINX + "limit-allowlist", "10.0.0.0/8, 192.168.1.7,2001:db8::/32");

        assertThat(c.diagnostics()).isEmpty();
        assertThat(theLimit(c)).isEqualTo(new RateLimit(300, 60_000, 900, RateLimit.Key.SOURCE_IP,
                List.of("10.0.0.0/8", "192.168.1.7", "2001:db8::/32"), WEB));
    }

    @Test
    void limitWhitelistIsTheOlderNameOfLimitAllowlist() {
        assertThat(theLimit(compile(NGINX + "limit-rps", "1", NGINX + "limit-whitelist", "10.0.0.0/8")).exempt())
                .containsExactly("10.0.0.0/8");
        assertThat(theLimit(compile(NGINX + "limit-rps", "1", NGINX + "limit-whitelist", "10.0.0.0/8",
                NGINX + "limit-allowlist", "172.16.0.0/12")).exempt()).containsExactly("172.16.0.0/12");
        assertThat(theLimit(compile(NGINX + "limit-rps", "1", NGINX + "limit-burst-multiplier", "0")).burst())
                .as("nginx's burst=0: one request at a time").isEqualTo(1);
    }

    @Test
    void withBothLimitRpsAndLimitRpmTheLowerRateApplies() {
        Compilation perMinute = compile(NGINX + "limit-rps", "10", NGINX + "limit-rpm", "60");
        assertWarnings(perMinute, NGINX + "limit-rps", "is ignored: ingress-nginx applies both limit-rps and limit-rpm, "
                + "Breakwater one limit per Ingress, the lower rate (limit-rpm: 60)");
        assertThat(theLimit(perMinute)).isEqualTo(new RateLimit(60, 60_000, 300, null, null, WEB));

        Compilation perSecond = compile(NGINX + "limit-rps", "1", NGINX + "limit-rpm", "600");
        assertWarnings(perSecond, NGINX + "limit-rpm", "is ignored: ingress-nginx applies both limit-rps and "
                + "limit-rpm, Breakwater one limit per Ingress, the lower rate (limit-rps: 1)");
        assertThat(theLimit(perSecond)).isEqualTo(new RateLimit(1, 1000, 5, null, null, WEB));
    }

    @Test
    void ourRateLimitWithItsBurstKeyAndExemptions() {
        assertThat(theLimit(compile(OURS + "rate-limit", "100/s"))).as("burst: the rate")
                .isEqualTo(new RateLimit(100, 1000, 100, null, null, WEB));
        assertThat(theLimit(compile(OURS + "rate-limit", "5/h", OURS + "rate-limit-burst", "10",
                OURS + "rate-limit-key", "header:X-Api-Key", OURS + "rate-limit-exempt", "127.0.0.1")))
                .isEqualTo(new RateLimit(5, 3_600_000, 10, RateLimit.Key.header("x-api-key"), List.of("127.0.0.1"),
                        WEB));
        assertThat(theLimit(compile(OURS + "rate-limit", "10/30s", OURS + "rate-limit-key", "route")))
                .isEqualTo(new RateLimit(10, 30_000, 10, RateLimit.Key.ROUTE, null, WEB));
        assertThat(theLimit(compile(OURS + "rate-limit", "600r/m", OURS + "rate-limit-key", "source-ip")))
                .isEqualTo(new RateLimit(600, 60_000, 600, RateLimit.Key.SOURCE_IP, null, WEB));
        // our key and burst apply to ingress-nginx's rate too
        Compilation mixed = compile(NGINX + "limit-rps", "2", NGINX + "limit-burst-multiplier", "4",
                OURS + "rate-limit-burst", "3", OURS + "rate-limit-key", "header:X-Tenant");
        assertWarnings(mixed, NGINX + "limit-burst-multiplier", "is ignored: " + OURS + "rate-limit-burst is set, "
                + "and wins");
        assertThat(theLimit(mixed)).isEqualTo(new RateLimit(2, 1000, 3, RateLimit.Key.header("x-tenant"), null, WEB));
    }

    @Test
    void oursWinsOverIngressNginxs() {
        Compilation c = compile(OURS + "rate-limit", "50/m", NGINX + "limit-rps", "5",
                NGINX + "limit-burst-multiplier", "2");

        assertWarnings(c, NGINX + "limit-rps", "is ignored: " + OURS + "rate-limit is set, and wins",
                NGINX + "limit-burst-multiplier", "is ignored: " + OURS + "rate-limit is set, and wins");
        assertThat(theLimit(c)).isEqualTo(new RateLimit(50, 60_000, 50, null, null, WEB));
    }

    @Test
    void withoutAnnotationsThereIsNoLimit() {
        Compilation c = compile();

        assertThat(c.diagnostics()).isEmpty();
        assertThat(limit(c, "a.com", "/")).isNull();
        assertThat(theLimit(compile(NGINX + "limit-rps", "0"))).as("0: no limit, as in ingress-nginx").isNull();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '§', value = {
        // annotation § value § the limit that applies (requests/perMillis/burst, or none) § the warning
        "breakwater.dev/rate-limit § fast § none § \"fast\" is not a rate such as 100/s, 600/m, 5/h or 10/30s (1 to "
                + "1000000000 requests per 1ms to 366 days); no rate limit",
        "breakwater.dev/rate-limit § 0/s § none § \"0/s\" is not a rate such as 100/s, 600/m, 5/h or 10/30s (1 to "
                + "1000000000 requests per 1ms to 366 days); no rate limit",
        "breakwater.dev/rate-limit § 5/0s § none § \"5/0s\" is not a rate such as 100/s, 600/m, 5/h or 10/30s (1 to "
                + "1000000000 requests per 1ms to 366 days); no rate limit",
        "breakwater.dev/rate-limit § 5/d § none § \"5/d\" is not a rate such as 100/s, 600/m, 5/h or 10/30s (1 to "
                + "1000000000 requests per 1ms to 366 days); no rate limit",
        "nginx.ingress.kubernetes.io/limit-rps § ten § none § \"ten\" is not a whole number from 0 to 1000000000; "
                + "ignored",
        "nginx.ingress.kubernetes.io/limit-rpm § -1 § none § \"-1\" is not a whole number from 0 to 1000000000; "
                + "ignored",
        "breakwater.dev/rate-limit-burst § 0 § 3/1000/3 § \"0\" is not a whole number from 1 to 1000000000; ignored",
        "breakwater.dev/rate-limit-key § cookie:session § 3/1000/3 § \"cookie:session\" is not source-ip, header:NAME "
                + "or route; the limit is per client address",
        "breakwater.dev/rate-limit-key § header:X Key § 3/1000/3 § \"header:X Key\" is not source-ip, header:NAME or "
                + "route; the limit is per client address",
        "breakwater.dev/rate-limit-exempt § 10.0.0.0/8,10.0.0.1/33 § 3/1000/3 § \"10.0.0.1/33\" has a bad prefix "
                + "length (expected: 0 to 32); not exempt from the rate limit",
        "nginx.ingress.kubernetes.io/limit-allowlist § office § 3/1000/3 § \"office\" is not an IPv4 or IPv6 address "
                + "or CIDR range; not exempt from the rate limit",
        "nginx.ingress.kubernetes.io/limit-burst-multiplier § x § 3/1000/3 § \"x\" is not a whole number from 0 to "
                + "1000; ignored",
        "nginx.ingress.kubernetes.io/limit-connections § 0 § 3/1000/3 § \"0\" is not a whole number from 1 to "
                + "1000000; ignored",
        "nginx.ingress.kubernetes.io/limit-rate § 100 § 3/1000/3 § is not supported (Breakwater limits requests, not "
                + "bandwidth); ignored",
    })
    void badValuesAreWarnedNamingTheAnnotation(String key, String value, String applies, String reason) {
        // with breakwater.dev/rate-limit: 3/s, unless the annotation under test is a rate itself
        boolean rate = key.endsWith("/rate-limit") || key.endsWith("/limit-rps") || key.endsWith("/limit-rpm");
        boolean multiplier = key.endsWith("/limit-burst-multiplier");
        Compilation c = rate ? compile(key, value) : multiplier ? compile(NGINX + "limit-rps", "1", key, value)
                : compile(OURS + "rate-limit", "3/s", key, value);

        assertWarnings(c, key, reason);
        if (applies.equals("none")) {
            assertThat(limit(c, "a.com", "/")).isNull();
        } else if (multiplier) {
            assertThat(theLimit(c)).isEqualTo(new RateLimit(1, 1000, 5, null, null, WEB)); // the default multiplier
        } else {
            RateLimit l = theLimit(c);
            assertThat(l.requests() + "/" + l.perMillis() + "/" + l.burst()).isEqualTo(applies);
            assertThat(l.key()).isEqualTo(RateLimit.Key.SOURCE_IP);
            if (key.endsWith("-exempt")) {
                assertThat(l.exempt()).containsExactly("10.0.0.0/8");
            } else if (key.endsWith("limit-allowlist")) {
                assertThat(l.exempt()).isNull();
            }
        }
    }

    @Test
    void settingsWithoutARateHaveNoEffect() {
        Compilation c = compile(OURS + "rate-limit-burst", "10", OURS + "rate-limit-key", "route",
                NGINX + "limit-whitelist", "10.0.0.0/8");

        assertWarnings(c, OURS + "rate-limit-burst", "has no effect without a rate (breakwater.dev/rate-limit, or "
                        + "nginx.ingress.kubernetes.io/limit-rps or limit-rpm)",
                OURS + "rate-limit-key", "has no effect without a rate (breakwater.dev/rate-limit, or "
                        + "nginx.ingress.kubernetes.io/limit-rps or limit-rpm)",
                NGINX + "limit-whitelist", "has no effect without a rate (breakwater.dev/rate-limit, or "
                        + "nginx.ingress.kubernetes.io/limit-rps or limit-rpm)");
        assertThat(limit(c, "a.com", "/")).isNull();
    }
}
