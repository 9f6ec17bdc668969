package dev.breakwater.operator.compile;

import java.time.Instant;
import java.util.Objects;

/**
 * Settings of the {@link IngressCompiler}.
 *
 * @param controllerName       the {@code spec.controller} of the IngressClasses we implement
 * @param implicitDefaultClass when the snapshot holds none of our IngressClasses, behave as though an
 *                             IngressClass named {@value #IMPLICIT_CLASS_NAME} of ours exists and is the
 *                             cluster's default class (local mode, where nobody creates IngressClasses)
 * @param now                  the time certificates are checked against (the compiler reads no clock);
 *                             null skips the validity check
 */
public record CompilerOptions(String controllerName, boolean implicitDefaultClass, Instant now) {

    /** Our controller name, written in the {@code spec.controller} of our IngressClasses. */
    public static final String DEFAULT_CONTROLLER_NAME = "breakwater.dev/ingress-controller";

    /** The name of the IngressClass assumed when {@link #implicitDefaultClass()} applies. */
    public static final String IMPLICIT_CLASS_NAME = "breakwater";

    public CompilerOptions {
        Objects.requireNonNull(controllerName, "controllerName");
        if (controllerName.isBlank()) {
            throw new IllegalArgumentException("controllerName: blank (expected: a controller name)");
        }
    }

    public CompilerOptions(String controllerName, boolean implicitDefaultClass) {
        this(controllerName, implicitDefaultClass, null);
    }

    /**
     * In a cluster: our controller name, classes taken only from the snapshot, certificates checked against the
     * time of this call (read here, never inside the pure {@link IngressCompiler#compile}).
     */
    public static CompilerOptions defaults() {
        return new CompilerOptions(DEFAULT_CONTROLLER_NAME, false, Instant.now());
    }

    /**
     * Local mode: our controller name, an implicit default class when the manifests define none, certificates
     * checked against the time of this call.
     */
    public static CompilerOptions local() {
        return new CompilerOptions(DEFAULT_CONTROLLER_NAME, true, Instant.now());
    }

    /** In a cluster, certificates checked against {@code now}. */
    public static CompilerOptions defaults(Instant now) {
        return new CompilerOptions(DEFAULT_CONTROLLER_NAME, false, now);
    }

    /** Local mode, certificates checked against {@code now}. */
    public static CompilerOptions local(Instant now) {
        return new CompilerOptions(DEFAULT_CONTROLLER_NAME, true, now);
    }

    /** The same options, checking certificates against {@code time}. */
    public CompilerOptions at(Instant time) {
        return new CompilerOptions(controllerName, implicitDefaultClass, time);
    }
}
