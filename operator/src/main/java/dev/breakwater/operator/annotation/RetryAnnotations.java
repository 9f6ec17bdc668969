package dev.breakwater.operator.annotation;

import static dev.breakwater.operator.annotation.AnnotationKey.nginx;
import static dev.breakwater.operator.annotation.AnnotationKey.ours;

import dev.breakwater.operator.policy.RetryPolicies;
import dev.breakwater.routing.Retries;
import java.util.List;
import java.util.Locale;

/** When failed attempts are tried again. */
final class RetryAnnotations {

    static final AnnotationKey<Integer> RETRIES = ours("retries", Parsers.integer(1, 10));
    static final AnnotationKey<String> RETRY_ON = ours("retry-on", Parsers.TEXT);
    static final AnnotationKey<String> PROXY_NEXT_UPSTREAM = nginx("proxy-next-upstream", Parsers.TEXT).doc(
            "nginx's tokens", "an `http_50x` token retries 502, 503 and 504 answers, `error` or `timeout` retries "
                    + "resets; only idempotent requests without body are retried", "other tokens are ignored; connect "
                    + "failures are always retried once on another endpoint; retries are bounded by a budget (20 % of "
                    + "the requests in flight)");
    static final AnnotationKey<Integer> PROXY_NEXT_UPSTREAM_TRIES = nginx("proxy-next-upstream-tries",
            Parsers.integer(1, 10)).doc("1 to 10", "attempts in all", "");
    static final AnnotationKey<Long> PROXY_NEXT_UPSTREAM_TIMEOUT = nginx("proxy-next-upstream-timeout",
            Parsers.seconds(0)).doc("seconds; default `0` (no limit)", "no retry starts later than this after the "
                    + "request was first passed to an endpoint; `0`: the attempts alone limit the retries", "");
    static final AnnotationKey<Integer> RETRY_BUDGET_PERCENT = ours("retry-budget-percent", Parsers.integer(0, 100));
    static final AnnotationKey<Long> PER_TRY_TIMEOUT = ours("per-try-timeout", Parsers.DURATION);

    static final List<AnnotationKey<?>> KEYS = List.of(RETRIES, RETRY_ON, PROXY_NEXT_UPSTREAM,
            PROXY_NEXT_UPSTREAM_TRIES, PROXY_NEXT_UPSTREAM_TIMEOUT, RETRY_BUDGET_PERCENT, PER_TRY_TIMEOUT);

    private RetryAnnotations() {
    }

    /** The retries asked for, or null when no key is set. */
    static Retries read(AnnotationReader r) {
        Integer attempts = r.get(RETRIES);
        String on = r.get(RETRY_ON);
        String nginxNext = r.get(PROXY_NEXT_UPSTREAM);
        Integer nginxTries = r.get(PROXY_NEXT_UPSTREAM_TRIES);
        Integer budget = r.get(RETRY_BUDGET_PERCENT);
        Long perTry = r.get(PER_TRY_TIMEOUT);
        Long windowSeconds = r.get(PROXY_NEXT_UPSTREAM_TIMEOUT);
        Long window = windowSeconds == null || windowSeconds == 0 ? null : windowSeconds * 1000;
        if (attempts == null && on == null && nginxNext == null && nginxTries == null && budget == null
                && perTry == null) {
            return window == null ? null : Retries.DEFAULTS.withRetryWindow(window);
        }
        boolean on5xx = false;
        boolean onReset = false;
        if (on != null) {
            for (String t : on.split(",")) {
                switch (t.trim().toLowerCase(Locale.ROOT)) {
                    case "5xx" -> on5xx = true;
                    case "reset" -> onReset = true;
                    case "" -> { }
                    default -> r.warn(r.name(RETRY_ON), "\"" + t.trim() + "\" is not 5xx or reset; ignored");
                }
            }
        } else if (nginxNext != null) {
            for (String t : nginxNext.trim().split("\\s+")) {
                if (t.startsWith("http_50")) {
                    on5xx = true;
                } else if (t.equals("error") || t.equals("timeout")) {
                    onReset = true;
                }
            }
        }
        Retries retries = RetryPolicies.retries(attempts != null ? attempts : nginxTries, on5xx, onReset, perTry,
                budget, null, reason -> r.warn(r.name(attempts != null ? RETRIES : PROXY_NEXT_UPSTREAM_TRIES),
                        reason + "; the default retries apply"));
        return retries == null || window == null ? retries : retries.withRetryWindow(window);
    }
}
