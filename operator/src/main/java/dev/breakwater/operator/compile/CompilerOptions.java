package dev.breakwater.operator.compile;

import java.util.Objects;

/**
 * Settings of the {@link IngressCompiler}.
 *
 * @param controllerName       the {@code spec.controller} of the IngressClasses we implement
 * @param implicitDefaultClass when the snapshot holds none of our IngressClasses, behave as though an
 *                             IngressClass named {@value #IMPLICIT_CLASS_NAME} of ours exists and is the
 *                             cluster's default class (local mode, where nobody creates IngressClasses)
 */
public record CompilerOptions(String controllerName, boolean implicitDefaultClass) {

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

    /** In a cluster: our controller name, classes taken only from the snapshot. */
    public static CompilerOptions defaults() {
        return new CompilerOptions(DEFAULT_CONTROLLER_NAME, false);
    }

    /** Local mode: our controller name, and an implicit default class when the manifests define none. */
    public static CompilerOptions local() {
        return new CompilerOptions(DEFAULT_CONTROLLER_NAME, true);
    }
}
