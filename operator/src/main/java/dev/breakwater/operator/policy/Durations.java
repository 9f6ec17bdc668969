package dev.breakwater.operator.policy;

import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as users write them, in annotations and in Route fields: one or more whole numbers with a unit
 * ({@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1m30s}: Gateway API's form, a subset of Go's), or
 * a plain number of seconds ({@code 60}, as ingress-nginx writes its timeouts).
 */
public final class Durations {

    private static final Pattern WHOLE = Pattern.compile("([0-9]+(ms|s|m|h))+|[0-9]+");
    private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

    private Durations() {
    }

    /**
     * The milliseconds {@code text} says.
     *
     * @throws IllegalArgumentException when it is not such a duration (the message says what was expected)
     */
    public static long millis(String text) {
        String t = text == null ? "" : text.trim();
        if (!WHOLE.matcher(t).matches()) {
            throw new IllegalArgumentException("\"" + t + "\" is not a duration such as 500ms, 30s, 5m or a number "
                    + "of seconds");
        }
        try {
            if (t.chars().allMatch(Character::isDigit)) {
                return Math.multiplyExact(Long.parseLong(t), 1000L);
            }
            long total = 0;
            Matcher m = PART.matcher(t);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                long unit = switch (m.group(2)) {
                    case "ms" -> 1;
                    case "s" -> 1000;
                    case "m" -> 60_000;
                    default -> 3_600_000;
                };
                total = Math.addExact(total, Math.multiplyExact(n, unit));
            }
            return total;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("\"" + t + "\" is too long a duration");
        }
    }

    /**
     * The milliseconds {@code text} says, or null when it is not a duration or is zero and {@code zeroAllowed} is
     * false; the reason goes to {@code problem} ({@code "\"0s\" must be more than zero"}, or what
     * {@link #millis(String)} says).
     */
    public static Long millis(String text, boolean zeroAllowed, Consumer<String> problem) {
        long ms;
        try {
            ms = millis(text);
        } catch (IllegalArgumentException e) {
            problem.accept(e.getMessage());
            return null;
        }
        if (ms == 0 && !zeroAllowed) {
            problem.accept("\"" + text + "\" must be more than zero");
            return null;
        }
        return ms;
    }
}
