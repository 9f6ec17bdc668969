package dev.breakwater.operator.annotation;

import dev.breakwater.operator.policy.Durations;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parsers of annotation values that several keys share; a key's own parser lives with its topic. */
final class Parsers {

    /** The value as written (trimmed). */
    static final Parser<String> TEXT = (v, problems) -> v;

    /** {@code true} or {@code false}, in any case. */
    static final Parser<Boolean> BOOLEAN = (v, problems) -> {
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        problems.accept("\"" + v + "\" is not true or false; ignored");
        return null;
    };

    /** {@code on} or {@code off} ({@code true}, {@code false}), in any case. */
    static final Parser<Boolean> ON_OFF = (v, problems) -> switch (v.toLowerCase(Locale.ROOT)) {
        case "on", "true" -> true;
        case "off", "false" -> false;
        default -> {
            problems.accept("\"" + v + "\" is not on or off; ignored");
            yield null;
        }
    };

    /** Milliseconds, more than zero: "500ms", "5s", "2m", "1h", "1m30s", or a plain number of seconds. */
    static final Parser<Long> DURATION = (v, problems) -> Durations.millis(v, false,
            reason -> problems.accept(reason + "; ignored"));

    /** A duration rounded down to whole seconds, zero allowed ({@code 0}, {@code 0s}). */
    static final Parser<Long> WHOLE_SECONDS = (v, problems) -> {
        if (v.equals("0") || v.equals("0s")) {
            return 0L;
        }
        Long ms = DURATION.parse(v, problems);
        return ms == null ? null : ms / 1000;
    };

    private static final Pattern SIZE_PATTERN = Pattern.compile("(\\d+)([kKmMgG]?)");

    /** Bytes: "8k", "10m", "1g", or "0" for no limit ({@link Long#MAX_VALUE}), as ingress-nginx's proxy-body-size. */
    static final Parser<Long> SIZE = (v, problems) -> {
        Matcher m = SIZE_PATTERN.matcher(v);
        if (!m.matches()) {
            problems.accept("\"" + v + "\" is not a size such as 8k, 10m or 1g; ignored");
            return null;
        }
        long n = Long.parseLong(m.group(1));
        long bytes = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            default -> n;
        };
        return bytes == 0 ? Long.MAX_VALUE : bytes;
    };

    /** A Secret as {@code name} (without a slash: of the Ingress's namespace) or {@code namespace/name}. */
    static final Parser<String> SECRET = (v, problems) -> {
        String[] parts = v.split("/");
        if (parts.length == 1) {
            return parts[0];
        }
        if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
            return v;
        }
        problems.accept("\"" + v + "\" is not NAME or NAMESPACE/NAME; ignored");
        return null;
    };

    /** An HTTP token (RFC 9110): what header and cookie names are made of. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private static final Set<Integer> REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);

    private Parsers() {
    }

    /** A whole number from {@code min} to {@code max}. */
    static Parser<Integer> integer(int min, int max) {
        return (v, problems) -> {
            try {
                int n = Integer.parseInt(v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            problems.accept("\"" + v + "\" is not a whole number from " + min + " to " + max + "; ignored");
            return null;
        };
    }

    /** A whole number of seconds, zero allowed; the problem says that {@code dflt} applies. */
    static Parser<Long> seconds(long dflt) {
        return (v, problems) -> {
            if (v.matches("\\d{1,10}")) {
                return Long.parseLong(v);
            }
            problems.accept("\"" + v + "\" is not a whole number of seconds (0 or more); using " + dflt);
            return null;
        };
    }

    /** A header or cookie name (an HTTP token); {@code what} names it in the problem. */
    static Parser<String> token(String what) {
        return (v, problems) -> {
            if (TOKEN.matcher(v).matches()) {
                return v;
            }
            problems.accept("\"" + v + "\" is not " + what + " (letters, digits and !#$%&'*+.^_`|~-); ignored");
            return null;
        };
    }

    /** A redirect status: 301, 302, 303, 307 or 308; the problem says that {@code dflt} applies. */
    static Parser<Integer> redirectCode(int dflt) {
        return (v, problems) -> {
            if (v.matches("\\d{3}") && REDIRECT_CODES.contains(Integer.parseInt(v))) {
                return Integer.parseInt(v);
            }
            problems.accept("\"" + v + "\" is not one of 301, 302, 303, 307, 308; using " + dflt);
            return null;
        };
    }
}
