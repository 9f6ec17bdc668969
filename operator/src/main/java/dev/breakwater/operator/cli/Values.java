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
