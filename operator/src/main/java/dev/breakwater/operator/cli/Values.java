package dev.breakwater.operator.cli;

import dev.breakwater.operator.compile.CompilerOptions;
import java.util.List;

/** Checks of option values whose messages name the option and what was expected. */
public final class Values {

    private Values() {
    }

    /**
     * A whole number from {@code min} to {@code max}.
     *
     * @throws IllegalArgumentException {@code NAME: 'V' (expected: a number from MIN to MAX)}
     */
    public static int number(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": '" + value + "' (expected: a number from " + min + " to " + max
                + ")");
    }

    /**
     * A quiet period such as {@code 20ms} or {@code 1s}, from 1 ms to 10 s.
     *
     * @throws IllegalArgumentException {@code NAME: 'V' (expected: a duration from 1ms to 10s, such as 20ms)}
     */
    public static java.time.Duration debounce(String name, String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,5})(ms|s)").matcher(value.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            java.time.Duration d = m.group(2).equals("ms") ? java.time.Duration.ofMillis(n)
                    : java.time.Duration.ofSeconds(n);
            if (d.toMillis() >= 1 && d.toMillis() <= 10_000) {
                return d;
            }
        }
        throw new IllegalArgumentException(name + ": '" + value + "' (expected: a duration from 1ms to 10s, such as "
                + "20ms)");
    }

    /**
     * The value of {@code --also-serve-class}, checked as an IngressClass name.
     *
     * @throws IllegalArgumentException {@code --also-serve-class: 'V' is not an IngressClass name (...)}
     */
    public static String alsoServedClass(String value) {
        try {
            CompilerOptions.local(null).alsoServing(List.of(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--also-serve-class: '" + value + "' is not an IngressClass name "
                    + "(lower-case letters, digits, '-' and '.', such as nginx)");
        }
        return value;
    }
}
