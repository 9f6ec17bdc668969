package dev.breakwater.operator.annotation;

import static dev.breakwater.operator.annotation.AnnotationKey.both;
import static dev.breakwater.operator.annotation.AnnotationKey.nginx;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Canary Ingresses (see {@link Canary}). */
final class CanaryAnnotations {

    static final AnnotationKey<Boolean> CANARY = both("canary", Parsers.BOOLEAN).canaryOwn().doc("boolean",
            "the Ingress is a canary of the main Ingress for the same host, pathType and path (see below)", "");
    static final AnnotationKey<Integer> WEIGHT = both("canary-weight", Parsers.integer(0, Integer.MAX_VALUE))
            .canaryOwn().doc("0 to the total", "that share of the requests the header and cookie did not decide goes "
                    + "to the canary", "a weight above the total is a warning and every request goes to the canary (as "
                    + "in ingress-nginx)");
    static final AnnotationKey<Integer> WEIGHT_TOTAL = both("canary-weight-total",
            Parsers.integer(1, Integer.MAX_VALUE)).canaryOwn().doc("a whole number above 0; default `100`",
            "the weight's denominator", "below 100 is a warning and 100 applies, as ingress-nginx's balancer honours "
                    + "only totals above 100");
    static final AnnotationKey<String> BY_HEADER = both("canary-by-header", Parsers.token("a header name"))
            .canaryOwn().doc("a header name", "value `always`: canary; `never`: main backend; other values decide "
                    + "nothing", "");
    static final AnnotationKey<String> BY_HEADER_VALUE = both("canary-by-header-value", Parsers.TEXT).canaryOwn()
            .doc("a value", "this value (exactly) sends to the canary, instead of `always`/`never`",
                    "needs `canary-by-header` (else a warning)");
    static final AnnotationKey<String> BY_HEADER_PATTERN = both("canary-by-header-pattern", Parsers.TEXT).canaryOwn()
            .doc("a regular expression", "found in the header's value: canary, instead of `always`/`never`",
                    "Java regular expressions (ingress-nginx: PCRE); ignored, with a warning, when "
                            + "`canary-by-header-value` is set or when it does not compile");
    static final AnnotationKey<String> BY_COOKIE = both("canary-by-cookie", Parsers.token("a cookie name"))
            .canaryOwn().doc("a cookie name", "the first cookie of that name (name compared without case) `always`: "
                    + "canary; `never`: main backend", "");
    static final AnnotationKey<String> AFFINITY_CANARY_BEHAVIOR = nginx("affinity-canary-behavior", Parsers.TEXT)
            .canaryOwn().doc("`sticky`, `legacy`", "not supported: a warning", "see \"Canary\" below");

    static final List<AnnotationKey<?>> KEYS = List.of(CANARY, WEIGHT, WEIGHT_TOTAL, BY_HEADER, BY_HEADER_VALUE,
            BY_HEADER_PATTERN, BY_COOKIE, AFFINITY_CANARY_BEHAVIOR);

    private CanaryAnnotations() {
    }

    /**
     * The canary settings when {@code canary} is {@code "true"}, else null (and canary settings given without it
     * are reported: ingress-nginx then serves the Ingress as any other, and so do we).
     */
    static Canary read(AnnotationReader r) {
        if (!r.get(CANARY, false)) {
            for (AnnotationKey<?> k : List.of(WEIGHT, WEIGHT_TOTAL, BY_HEADER, BY_HEADER_VALUE, BY_HEADER_PATTERN,
                    BY_COOKIE)) {
                if (r.value(k) != null) {
                    r.warn(r.name(k), "has no effect without canary: \"true\"; the Ingress is served as one that is "
                            + "not a canary (as in ingress-nginx)");
                }
            }
            if (r.value(AFFINITY_CANARY_BEHAVIOR) != null) {
                r.warn(AFFINITY_CANARY_BEHAVIOR.nginxName(), "has no effect: the Ingress is not a canary");
            }
            return null;
        }
        for (String name : r.names()) {
            AnnotationKey<?> key = AnnotationTable.key(name);
            if (key != null && !key.canary()) {
                r.warn(name, "has no effect on a canary Ingress: its paths take the main Ingress's settings (as in "
                        + "ingress-nginx); only the canary settings and those of its own backends (load-balance, "
                        + "upstream-hash-by, health checks, outlier detection, draining, slow start) apply");
            }
        }
        if (r.value(AFFINITY_CANARY_BEHAVIOR) != null) {
            r.warn(AFFINITY_CANARY_BEHAVIOR.nginxName(), "is not supported: a request's side (canary or main) is "
                    + "decided by the canary rules alone, whatever its session cookie; within a side the main "
                    + "Ingress's affinity applies");
        }
        String header = r.get(BY_HEADER);
        String valueKey = r.name(BY_HEADER_VALUE);
        String headerValue = r.value(valueKey);
        String patternKey = r.name(BY_HEADER_PATTERN);
        String pattern = r.value(patternKey);
        if (header == null) {
            for (String k : List.of(valueKey, patternKey)) {
                if (r.value(k) != null) {
                    r.warn(k, "has no effect without canary-by-header (as in ingress-nginx)");
                }
            }
            headerValue = null;
            pattern = null;
        }
        if (headerValue != null && headerValue.chars().anyMatch(c -> c < 32 && c != '\t' || c == 127)) {
            r.warn(valueKey, "holds control characters, which no header value can; ignored");
            headerValue = null;
        }
        if (headerValue != null && pattern != null) {
            r.warn(patternKey, "is ignored: canary-by-header-value is set too, and wins (as in ingress-nginx)");
            pattern = null;
        }
        if (pattern != null) {
            try {
                Pattern.compile(Canary.searchRegex(pattern));
            } catch (PatternSyntaxException e) {
                r.warn(patternKey, "\"" + pattern + "\" is not a regular expression (" + e.getDescription()
                        + "); ignored");
                pattern = null;
            }
        }
        String cookie = r.get(BY_COOKIE);
        String totalKey = r.name(WEIGHT_TOTAL);
        Integer total = r.get(WEIGHT_TOTAL);
        if (total != null && total < Canary.DEFAULT_WEIGHT_TOTAL) {
            r.warn(totalKey, total + " is below 100, which ingress-nginx's balancer does not honour: the total is "
                    + "100");
        }
        int weightTotal = Math.max(Canary.DEFAULT_WEIGHT_TOTAL, total == null ? 0 : total);
        String weightKey = r.name(WEIGHT);
        Integer weight = r.get(WEIGHT);
        if (weight != null && weight > weightTotal) {
            r.warn(weightKey, weight + " is more than the total weight " + weightTotal + ": every request goes to "
                    + "the canary");
            weight = weightTotal;
        }
        Canary canary = new Canary(header, headerValue, pattern, cookie, weight == null ? 0 : weight, weightTotal);
        if (canary.sendsNothing()) {
            r.warn(r.name(CANARY), "the canary gets no request: it has no canary-by-header, no canary-by-cookie and no "
                    + "canary-weight above 0");
        }
        return canary;
    }
}
