package dev.breakwater.operator.compile;

import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Settings of the {@link Compiler}.
 *
 * @param controllerName       the {@code spec.controller} of the IngressClasses we implement
 * @param implicitDefaultClass when the snapshot holds none of our IngressClasses, behave as though an
 *                             IngressClass named {@value #IMPLICIT_CLASS_NAME} of ours exists and is the
 *                             cluster's default class (local mode, where nobody creates IngressClasses)
 * @param now                  the time certificates are checked against (the compiler reads no clock);
 *                             null skips the validity check
 * @param alsoServedClasses    IngressClass names served as if they were ours, whatever controller their IngressClass
 *                             names (or if none exists): {@code nginx}, to take over the Ingresses of a retired
 *                             ingress-nginx. An Ingress naming one (by {@code spec.ingressClassName} or the
 *                             {@code kubernetes.io/ingress.class} annotation) is compiled; an Ingress naming no class
 *                             is compiled when such a class is the cluster's default. Empty by default (sorted,
 *                             immutable)
 * @param l4Sources            the ingress-nginx TCP and UDP services ConfigMaps to read ({@link L4Sources#NONE}: none)
 * @param gatewayPorts         the ports a Gateway's HTTP and HTTPS listeners may name: those the data planes are
 *                             reached on ({@link GatewayPorts#DEFAULT}: 80 and 443)
 * @param controllerConfigMap  ingress-nginx's controller ConfigMap ({@code --configmap}) as {@code namespace/name},
 *                             whose keys set the defaults of every Ingress; null for none
 * @param defaultBackendService the cluster default backend, {@code NAMESPACE/NAME:PORT} (a port number or name),
 *                             as ingress-nginx's {@code --default-backend-service}: it answers requests no rule
 *                             matches when no Ingress's {@code spec.defaultBackend} does, and the
 *                             {@code custom-http-errors} of Ingresses without {@code default-backend}; null for none
 */
public record CompilerOptions(String controllerName, boolean implicitDefaultClass, Instant now,
                              Set<String> alsoServedClasses, L4Sources l4Sources, GatewayPorts gatewayPorts,
                              String controllerConfigMap, String defaultBackendService) {

    /** Our controller name, written in the {@code spec.controller} of our IngressClasses. */
    public static final String DEFAULT_CONTROLLER_NAME = "breakwater.dev/ingress-controller";

    /** The name of the IngressClass assumed when {@link #implicitDefaultClass()} applies. */
    public static final String IMPLICIT_CLASS_NAME = "breakwater";

    /** What a Kubernetes object name (a DNS subdomain, as IngressClass names are) may be. */
    private static final Pattern CLASS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    /** {@code NAMESPACE/NAME:PORT}: DNS labels, and a port number or name. */
    private static final Pattern SERVICE_PORT = Pattern.compile(
            "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?/[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?:([0-9]{1,5}|[a-z0-9]([-a-z0-9]*[a-z0-9])?)");

    public CompilerOptions {
        Objects.requireNonNull(controllerName, "controllerName");
        if (controllerName.isBlank()) {
            throw new IllegalArgumentException("controllerName: blank (expected: a controller name)");
        }
        TreeSet<String> names = new TreeSet<>();
        for (String name : alsoServedClasses == null ? Set.<String>of() : alsoServedClasses) {
            if (name == null || !CLASS_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("alsoServedClasses: \"" + name + "\" (expected: an IngressClass "
                        + "name: lower-case letters, digits, '-' and '.', such as nginx)");
            }
            names.add(name);
        }
        alsoServedClasses = java.util.Collections.unmodifiableSortedSet(names);
        l4Sources = l4Sources == null ? L4Sources.NONE : l4Sources;
        gatewayPorts = gatewayPorts == null ? GatewayPorts.DEFAULT : gatewayPorts;
        if (controllerConfigMap != null && !REF.matcher(controllerConfigMap).matches()) {
            throw new IllegalArgumentException("controllerConfigMap: '" + controllerConfigMap
                    + "' (expected: NAMESPACE/NAME of a ConfigMap)");
        }
        if (defaultBackendService != null && !SERVICE_PORT.matcher(defaultBackendService).matches()) {
            throw new IllegalArgumentException("defaultBackendService: \"" + defaultBackendService + "\" (expected: "
                    + "NAMESPACE/NAME:PORT, such as ingress-nginx/default-backend:80)");
        }
    }

    private static final Pattern REF = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    public CompilerOptions(String controllerName, boolean implicitDefaultClass, Instant now,
                           Set<String> alsoServedClasses, L4Sources l4Sources, GatewayPorts gatewayPorts) {
        this(controllerName, implicitDefaultClass, now, alsoServedClasses, l4Sources, gatewayPorts, null, null);
    }

    /**
     * The same options with this cluster default backend ({@code NAMESPACE/NAME:PORT}, or null for none).
     *
     * @throws IllegalArgumentException when it is not of that form
     */
    public CompilerOptions withDefaultBackendService(String service) {
        return new CompilerOptions(controllerName, implicitDefaultClass, now, alsoServedClasses, l4Sources,
                gatewayPorts, controllerConfigMap, service);
    }

    /** The same options, reading ingress-nginx's controller ConfigMap {@code ref} ({@code namespace/name}; null: none). */
    public CompilerOptions withControllerConfigMap(String ref) {
        return new CompilerOptions(controllerName, implicitDefaultClass, now, alsoServedClasses, l4Sources,
                gatewayPorts, ref, defaultBackendService);
    }

    public CompilerOptions(String controllerName, boolean implicitDefaultClass, Instant now,
                           Set<String> alsoServedClasses, L4Sources l4Sources) {
        this(controllerName, implicitDefaultClass, now, alsoServedClasses, l4Sources, GatewayPorts.DEFAULT);
    }

    /** The same options, Gateway listeners served on these ports. */
    public CompilerOptions withGatewayPorts(GatewayPorts ports) {
        return new CompilerOptions(controllerName, implicitDefaultClass, now, alsoServedClasses, l4Sources, ports,
                controllerConfigMap, defaultBackendService);
    }

    public CompilerOptions(String controllerName, boolean implicitDefaultClass, Instant now,
                           Set<String> alsoServedClasses) {
        this(controllerName, implicitDefaultClass, now, alsoServedClasses, L4Sources.NONE);
    }

    /** The same options, reading these TCP and UDP services ConfigMaps. */
    public CompilerOptions withL4Sources(L4Sources sources) {
        return new CompilerOptions(controllerName, implicitDefaultClass, now, alsoServedClasses, sources, gatewayPorts,
                controllerConfigMap, defaultBackendService);
    }

    public CompilerOptions(String controllerName, boolean implicitDefaultClass, Instant now) {
        this(controllerName, implicitDefaultClass, now, Set.of());
    }

    public CompilerOptions(String controllerName, boolean implicitDefaultClass) {
        this(controllerName, implicitDefaultClass, null);
    }

    /**
     * In a cluster: our controller name, classes taken only from the snapshot, certificates checked against the
     * time of this call (read here, never inside the pure {@link Compiler#compile}).
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
        return new CompilerOptions(controllerName, implicitDefaultClass, time, alsoServedClasses, l4Sources,
                gatewayPorts, controllerConfigMap, defaultBackendService);
    }

    /**
     * The same options, also serving the Ingresses of the IngressClasses {@code names} (such as {@code nginx}),
     * whatever their controller.
     *
     * @throws IllegalArgumentException when a name cannot be an IngressClass name
     */
    public CompilerOptions alsoServing(Collection<String> names) {
        return new CompilerOptions(controllerName, implicitDefaultClass, now, Set.copyOf(names), l4Sources,
                gatewayPorts, controllerConfigMap, defaultBackendService);
    }
}
