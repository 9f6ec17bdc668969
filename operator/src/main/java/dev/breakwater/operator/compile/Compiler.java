package dev.breakwater.operator.compile;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.routing.RoutingTable;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Compiles a {@link ClusterSnapshot} into a {@link RoutingTable}: the one pure function from snapshot to table (no
 * I/O, no clock, and the same objects in any list order give the same table).
 *
 * <p>The objects that are ours (the Ingresses of our IngressClasses, see {@link CompilerOptions}, and every Route)
 * are read by processors in a fixed order, over one {@link TableBuilder} that holds the routes of every host, the
 * certificates, backend resolution and the diagnostics:
 *
 * <ol>
 *   <li>{@link IngressProcessor}: Ingresses that are not canaries (Ingress v1 semantics, ingress-nginx's
 *       annotations);</li>
 *   <li>{@link CanaryProcessor}: canary Ingresses, attached to the routes of the others once all are read;</li>
 *   <li>{@link RouteProcessor}: Routes ({@code breakwater.dev/v1alpha1});</li>
 *   <li>{@link GatewayApiProcessor}: the Gateways of our GatewayClasses and the HTTPRoutes attached to them;</li>
 *   <li>{@link L4Processor}: TLS passthrough hosts ({@code ssl-passthrough}) and the TCP and UDP services
 *       ConfigMaps.</li>
 * </ol>
 *
 * Before them, ingress-nginx's controller ConfigMap ({@link CompilerOptions#controllerConfigMap()}) is read once: its
 * keys are the defaults of every Ingress's annotations (see {@code ControllerConfig}).
 *
 * <p>Every processor sees the objects oldest first, all kinds in one order ({@link ObjectAge}), so that where an
 * Ingress and a Route claim the same thing, the older object keeps it; then the table is built, hosts and clusters
 * sorted. Bad objects never make it throw: they are reported as diagnostics.
 */
public final class Compiler {

    private Compiler() {
    }

    /** Compiles {@code snapshot}; never throws for bad objects, which are reported as diagnostics instead. */
    public static Compilation compile(ClusterSnapshot snapshot, CompilerOptions options) {
        return compile(snapshot, options, null);
    }

    /**
     * Compiles {@code snapshot}; a Secret that turned bad keeps serving the certificate {@code previous}
     * (the table served so far, may be null) held for it.
     */
    public static Compilation compile(ClusterSnapshot snapshot, CompilerOptions options, RoutingTable previous) {
        return compile(snapshot, options, previous, new SecretChecks());
    }

    /**
     * As {@link #compile(ClusterSnapshot, CompilerOptions, RoutingTable)}, reusing what {@code checks} found in
     * earlier compilations about Secrets whose content did not change (and forgetting Secrets no longer used).
     */
    public static Compilation compile(ClusterSnapshot snapshot, CompilerOptions options, RoutingTable previous,
                                      SecretChecks checks) {
        return compile(snapshot, options, previous, checks, new CompileTrace(), true, SnapshotLookups.of(snapshot));
    }

    /**
     * The compilation itself: what each object touched goes to {@code trace}; {@code sweep} false keeps what
     * {@code checks} knows about Secrets this compilation did not use (a partial compilation of
     * {@link IncrementalCompiler} uses only a few); {@code lookups} are the snapshot's Services, EndpointSlices and
     * Secrets by name.
     */
    static Compilation compile(ClusterSnapshot snapshot, CompilerOptions options, RoutingTable previous,
                               SecretChecks checks, CompileTrace trace, boolean sweep, SnapshotLookups lookups) {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(checks, "checks");
        IngressClassFilter classes = new IngressClassFilter(snapshot.ingressClasses(), options);
        List<HasMetadata> ours = new ArrayList<>();
        snapshot.ingresses().stream().filter(Compiler::named).filter(classes::isOurs).forEach(ours::add);
        snapshot.routes().stream().filter(Compiler::named).forEach(ours::add);

        TableBuilder table = new TableBuilder(snapshot, lookups, options, previous, checks, trace);
        GatewayApiProcessor gatewayApi = new GatewayApiProcessor(table, snapshot.gatewayApi(), options.gatewayPorts(),
                lookups.services());
        ours.addAll(gatewayApi.routes());
        ObjectAge.sort(ours);
        IngressProcessor ingresses = new IngressProcessor(table, NginxServers.of(ours.stream()
                .filter(o -> o instanceof Ingress).map(o -> (Ingress) o).toList(), options.alsoServedClasses()),
                options.defaultBackendService());
        L4Processor l4 = new L4Processor(table, snapshot, options.l4Sources());
        l4.gatewayRoutes(gatewayApi.l4());
        List<Processor> processors = List.of(ingresses, new CanaryProcessor(table, ingresses),
                new RouteProcessor(table, l4.routeListeners()), gatewayApi, l4);
        for (int rank = 0; rank < ours.size(); rank++) {
            HasMetadata object = ours.get(rank);
            trace.enter(traceName(object));
            for (Processor processor : processors) {
                processor.add(object, rank);
            }
        }
        trace.leave();
        if (!ingresses.canaries().isEmpty()) {
            trace.canaries();
        }
        processors.forEach(Processor::finish);
        Compilation compilation = table.build();
        if (sweep) {
            checks.sweep();
        }
        return compilation;
    }

    private static boolean named(HasMetadata object) {
        return object.getMetadata() != null && object.getMetadata().getName() != null;
    }

    /** The namespace of {@code object}, {@code default} when it names none. */
    static String namespace(HasMetadata object) {
        String namespace = object.getMetadata().getNamespace();
        return namespace == null || namespace.isEmpty() ? "default" : namespace;
    }

    /** {@code Kind/namespace/name} of an Ingress, a Route, an HTTPRoute or a GRPCRoute, as diagnostics name it. */
    static String traceName(HasMetadata object) {
        String kind = object instanceof Ingress ? "Ingress/"
                : object instanceof HTTPRoute ? "HTTPRoute/" : object instanceof GRPCRoute ? "GRPCRoute/"
                : object instanceof dev.breakwater.operator.gatewayapi.TlsRoute ? "TLSRoute/"
                : object instanceof dev.breakwater.operator.gatewayapi.TcpRoute ? "TCPRoute/"
                : object instanceof dev.breakwater.operator.gatewayapi.UdpRoute ? "UDPRoute/" : "Route/";
        return kind + namespace(object) + "/" + object.getMetadata().getName();
    }

    /** {@code Ingress/namespace/name}, as diagnostics name an Ingress. */
    static String objectName(Ingress ingress) {
        return "Ingress/" + namespace(ingress) + "/" + ingress.getMetadata().getName();
    }
}
