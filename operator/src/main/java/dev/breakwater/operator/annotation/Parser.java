package dev.breakwater.operator.annotation;

import java.util.function.Consumer;

/**
 * Reads the value of one annotation into its type.
 *
 * @param <T> the type
 */
@FunctionalInterface
public interface Parser<T> {

    /**
     * The value {@code text} (trimmed, never blank) says, or null when it cannot be used; each reason why goes to
     * {@code problems}, written without the annotation's name (the caller names it).
     */
    T parse(String text, Consumer<String> problems);
}
