package dev.breakwater.operator.compile;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * One step of a compilation ({@link Compiler}): it sees every object of the snapshot that is ours, oldest first,
 * and reads those of its kind into the {@link TableBuilder}; then, once every processor has seen every object, it
 * finishes in the compiler's fixed order. Objects of all kinds are seen in one age order, so that where two objects
 * claim the same match or host, the older one keeps it whatever its kind.
 */
interface Processor {

    /** Reads {@code object} if it is of this processor's kind; {@code rank} is its place among all, oldest first. */
    void add(HasMetadata object, int rank);

    /** Called once every object was added, in the compiler's order of processors. */
    default void finish() {
    }
}
