package dev.breakwater.operator.annotation;

import java.util.regex.Pattern;

/**
 * What the canary annotations of a canary Ingress ({@code nginx.ingress.kubernetes.io/canary: "true"}) say, checked,
 * with ingress-nginx's semantics (its Lua balancer's {@code route_to_alternative_balancer}). A request to a path of
 * the main Ingress that the canary Ingress names goes to the canary when, first match wins:
 *
 * <ol>
 *   <li>it has the header {@link #header}: with {@link #headerValue}, equal to it; else with {@link #headerPattern},
 *       the pattern found in it; else {@code always} (and {@code never} sends it to the main backend). Any other
 *       value decides nothing;</li>
 *   <li>its first cookie {@link #cookie} (name case-insensitive) is {@code always} ({@code never}: main backend);
 *       any other value decides nothing;</li>
 *   <li>else at random, {@link #weight} of {@link #weightTotal}.</li>
 * </ol>
 *
 * @param header        {@code canary-by-header}, or null
 * @param headerValue   {@code canary-by-header-value}, or null (then {@code always}/{@code never} decide)
 * @param headerPattern {@code canary-by-header-pattern} (a Java regular expression searched in the value), or null;
 *                      never set together with {@code headerValue}
 * @param cookie        {@code canary-by-cookie}, or null
 * @param weight        {@code canary-weight}: 0 to {@code weightTotal}
 * @param weightTotal   {@code canary-weight-total} as ingress-nginx applies it: 100, or more when set above 100
 */
public record Canary(String header, String headerValue, String headerPattern, String cookie, int weight,
                     int weightTotal) {

    /** The header or cookie value that sends a request to the canary. */
    public static final String ALWAYS = "always";
    /** The header or cookie value that keeps a request on the main backend. */
    public static final String NEVER = "never";
    /** ingress-nginx's canary-weight-total, and the least it honours. */
    public static final int DEFAULT_WEIGHT_TOTAL = 100;

    public Canary {
        if (weightTotal < DEFAULT_WEIGHT_TOTAL) {
            throw new IllegalArgumentException("weightTotal: " + weightTotal + " (expected: >= 100)");
        }
        if (weight < 0 || weight > weightTotal) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 0 to " + weightTotal + ")");
        }
        if (header == null && (headerValue != null || headerPattern != null)) {
            throw new IllegalArgumentException("headerValue and headerPattern need a header");
        }
        if (headerValue != null && headerPattern != null) {
            throw new IllegalArgumentException("headerValue and headerPattern exclude each other");
        }
    }

    /** True when no request can reach the canary: no header, no cookie and weight 0. */
    public boolean sendsNothing() {
        return header == null && cookie == null && weight == 0;
    }

    /**
     * The whole-value regular expression of a header value in which {@code pattern} is found somewhere (nginx's
     * {@code ngx.re.match}, unanchored: {@code ^} and {@code $} in the pattern still anchor).
     */
    public static String searchRegex(String pattern) {
        return ".*(?:" + pattern + ").*";
    }

    /**
     * The whole-value regular expression of a {@code Cookie} header whose first cookie named {@code name} has the
     * value {@code value}, as nginx's {@code $cookie_NAME} reads it: the name compared without case, pairs separated
     * by {@code ;} (or {@code ,}), spaces allowed before a name and around {@code =}, the value up to the next
     * separator.
     */
    public static String cookieRegex(String name, String value) {
        String n = "(?i:" + Pattern.quote(name) + ")";
        return "(?: *+(?!" + n + " *=)[^;,]*+[;,])*+ *+" + n + " *+= *+" + Pattern.quote(value) + "(?:[;,].*)?";
    }
}
