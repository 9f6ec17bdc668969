package dev.breakwater.operator.status;

import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.compile.GatewayApiStatus;
import dev.breakwater.operator.compile.RouteStatusReport;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.gatewayapi.TcpRoute;
import dev.breakwater.operator.gatewayapi.TlsRoute;
import dev.breakwater.operator.gatewayapi.UdpRoute;
import dev.breakwater.operator.publish.TablePublisher;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1alpha2.TCPRouteStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1alpha2.TLSRouteStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1alpha2.UDPRouteStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the status of the GatewayClasses, Gateways and HTTPRoutes that are ours, on the leader only: after each
 * compilation and whenever the data planes' answers change ({@code Programmed} of Gateways and their listeners, as
 * Routes have it: True once every connected data plane serves a table carrying the Gateway's generation). One
 * thread writes; requests to write while it is busy fold into one more pass. The diagnostics of Gateways and
 * HTTPRoutes become Warning Events on them ({@link DiagnosticEvents}), as for Ingresses and Routes. An object whose status already says
 * what it should is not written; a write that fails is logged and tried again a few seconds later.
 */
public final class GatewayStatusWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayStatusWriter.class);
    private static final long RETRY_MILLIS = 2000;

    /**
     * Reads an object of {@code kind} ({@code GatewayClass}, {@code Gateway}, {@code HTTPRoute}, {@code GRPCRoute},
     * {@code Service}) from the caches.
     */
    @FunctionalInterface
    public interface Lookup {
        HasMetadata get(String kind, String namespace, String name);
    }

    private final KubernetesClient client;
    private final TablePublisher publisher;
    private final Supplier<List<LoadBalancerAddress>> addresses;
    private final BooleanSupplier leader;
    private final Clock clock;
    private final Lookup lookup;
    private final DiagnosticEvents events;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "breakwater-gateway-status");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final GatewayServiceWriter services;
    private volatile boolean closed;

    // guarded by this
    private GatewayApiStatus facts = GatewayApiStatus.NONE;
    /** Per Gateway ({@code ns/name}): the generation compiled and the first table version that carried it. */
    private Map<String, long[]> carrying = Map.of();
    /** The diagnostics of each Gateway and HTTPRoute ({@code Kind/namespace/name}), for Warning Events. */
    private Map<String, List<Diagnostic>> diagnostics = Map.of();

    /**
     * @param addresses the addresses of the Ingress status (null while unknown), written as the Gateways' addresses
     */
    public GatewayStatusWriter(KubernetesClient client, TablePublisher publisher,
                               Supplier<List<LoadBalancerAddress>> addresses, BooleanSupplier leader,
                               Clock clock, Lookup lookup, DiagnosticEvents events) {
        this.client = Objects.requireNonNull(client, "client");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.addresses = Objects.requireNonNull(addresses, "addresses");
        this.leader = Objects.requireNonNull(leader, "leader");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.events = Objects.requireNonNull(events, "events");
        this.services = new GatewayServiceWriter(client,
                (namespace, name) -> (io.fabric8.kubernetes.api.model.Service) lookup.get("Service", namespace, name));
    }

    /** A full compilation, served by table {@code version} (0: it could not be published). */
    public void compiled(Compilation compilation, long version) {
        synchronized (this) {
            Map<String, long[]> next = new HashMap<>();
            for (GatewayApiStatus.GatewayReport g : compilation.gatewayApi().gateways()) {
                String key = g.namespace() + "/" + g.name();
                long generation = g.generation() == null ? 0 : g.generation();
                long[] before = carrying.get(key);
                next.put(key, before != null && before[0] == generation && before[1] > 0 ? before
                        : new long[] {generation, version});
            }
            Map<String, List<Diagnostic>> byObject = new HashMap<>();
            for (Diagnostic d : compilation.diagnostics()) {
                if (d.object().startsWith("HTTPRoute/") || d.object().startsWith("GRPCRoute/")
                        || d.object().startsWith("TLSRoute/") || d.object().startsWith("TCPRoute/")
                        || d.object().startsWith("UDPRoute/") || d.object().startsWith("Gateway/")) {
                    byObject.computeIfAbsent(d.object(), k -> new ArrayList<>()).add(d);
                }
            }
            facts = compilation.gatewayApi();
            carrying = Map.copyOf(next);
            diagnostics = Map.copyOf(byObject);
        }
        schedule(0);
    }

    /** The data planes' answers changed: Programmed may have. */
    public void dataPlanesChanged() {
        schedule(0);
    }

    /** This replica starts leading: write everything again after its first compilation. */
    public synchronized void startTerm() {
        facts = GatewayApiStatus.NONE;
        carrying = Map.of();
    }

    private void schedule(long delayMillis) {
        if (scheduled.compareAndSet(false, true)) {
            executor.schedule(() -> {
                scheduled.set(false);
                writeAll();
            }, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void writeAll() {
        if (!leader.getAsBoolean()) {
            return;
        }
        GatewayApiStatus now;
        Map<String, long[]> versions;
        Map<String, List<Diagnostic>> found;
        synchronized (this) {
            now = facts;
            versions = carrying;
            found = diagnostics;
        }
        boolean failed = false;
        if (!now.services().isEmpty() || !now.staleServices().isEmpty()) {
            failed |= !write("Service", null, "of the Gateways", () -> services.sync(now.services(),
                    now.staleServices()));
        }
        for (GatewayApiStatus.GatewayClassReport r : now.gatewayClasses()) {
            failed |= !write("GatewayClass", null, r.name(), () -> {
                GatewayClass current = (GatewayClass) lookup.get("GatewayClass", null, r.name());
                if (current == null || GatewayConditions.gatewayClass(current.getStatus(), r, clock.instant())
                        .equals(current.getStatus())) {
                    return;
                }
                client.resources(GatewayClass.class).withName(r.name()).editStatus(c -> {
                    c.setStatus(GatewayConditions.gatewayClass(c.getStatus(), r, clock.instant()));
                    return c;
                });
            });
        }
        for (GatewayApiStatus.GatewayReport r : now.gateways()) {
            long[] v = versions.getOrDefault(r.namespace() + "/" + r.name(), new long[] {0, 0});
            RouteStatusReport.Condition programmed = RouteConditions.programmed(new RouteStatusReport(r.namespace(),
                    r.name(), r.generation(), r.accepted(), r.accepted()), v[1], publisher.ackedVersions(),
                    publisher::allAcked);
            // a Gateway's own Service gives its addresses (none yet: those written are kept); else the shared ones
            dev.breakwater.operator.compile.GatewayService own = now.service(r.namespace(), r.name());
            List<LoadBalancerAddress> lb = own != null ? GatewayServiceWriter.addresses(own) : addresses.get();
            failed |= !write("Gateway", r.namespace(), r.name(), () -> {
                Gateway current = (Gateway) lookup.get("Gateway", r.namespace(), r.name());
                if (current != null) {
                    events.emit(current, found.getOrDefault(r.object(), List.of()));
                }
                if (current == null || GatewayConditions.gateway(current.getStatus(), r, programmed, lb,
                        clock.instant()).equals(current.getStatus())) {
                    return;
                }
                client.resources(Gateway.class).inNamespace(r.namespace()).withName(r.name()).editStatus(g -> {
                    g.setStatus(GatewayConditions.gateway(g.getStatus(), r, programmed, lb, clock.instant()));
                    return g;
                });
            });
        }
        for (GatewayApiStatus.HttpRouteReport r : now.httpRoutes()) {
            if (r.kind().equals(GatewayApiStatus.HttpRouteReport.GRPC_ROUTE)) {
                failed |= !writeGrpcRoute(r, found);
                continue;
            }
            switch (r.kind()) {
                case GatewayApiStatus.HttpRouteReport.BACKEND_TLS_POLICY -> {
                    failed |= !writePolicy(r, found);
                    continue;
                }
                case GatewayApiStatus.HttpRouteReport.TLS_ROUTE -> {
                    failed |= !writeRoute(TlsRoute.class, r, found, o -> o.getStatus() == null ? null
                            : o.getStatus().getParents(), (o, p) -> o.setStatus(new TLSRouteStatusBuilder()
                            .withParents(p).build()));
                    continue;
                }
                case GatewayApiStatus.HttpRouteReport.TCP_ROUTE -> {
                    failed |= !writeRoute(TcpRoute.class, r, found, o -> o.getStatus() == null ? null
                            : o.getStatus().getParents(), (o, p) -> o.setStatus(new TCPRouteStatusBuilder()
                            .withParents(p).build()));
                    continue;
                }
                case GatewayApiStatus.HttpRouteReport.UDP_ROUTE -> {
                    failed |= !writeRoute(UdpRoute.class, r, found, o -> o.getStatus() == null ? null
                            : o.getStatus().getParents(), (o, p) -> o.setStatus(new UDPRouteStatusBuilder()
                            .withParents(p).build()));
                    continue;
                }
                default -> {
                }
            }
            failed |= !write("HTTPRoute", r.namespace(), r.name(), () -> {
                HTTPRoute current = (HTTPRoute) lookup.get("HTTPRoute", r.namespace(), r.name());
                if (current != null) {
                    events.emit(current, found.getOrDefault(r.object(), List.of()));
                }
                if (current == null || GatewayConditions.httpRoute(current.getStatus(), r,
                        GatewayApiStatus.CONTROLLER_NAME, clock.instant()).equals(current.getStatus())) {
                    return;
                }
                client.resources(HTTPRoute.class).inNamespace(r.namespace()).withName(r.name()).editStatus(h -> {
                    h.setStatus(GatewayConditions.httpRoute(h.getStatus(), r, GatewayApiStatus.CONTROLLER_NAME,
                            clock.instant()));
                    return h;
                });
            });
        }
        if (failed) {
            schedule(RETRY_MILLIS);
        }
    }

    /** A TLSRoute's, TCPRoute's or UDPRoute's status: its parents of ours, as an HTTPRoute's. */
    private <T extends HasMetadata> boolean writeRoute(Class<T> type, GatewayApiStatus.HttpRouteReport r,
                                                       Map<String, List<Diagnostic>> found,
                                                       Function<T, List<RouteParentStatus>> parents,
                                                       BiConsumer<T, List<RouteParentStatus>> setParents) {
        return write(r.kind(), r.namespace(), r.name(), () -> {
            T current = type.cast(lookup.get(r.kind(), r.namespace(), r.name()));
            if (current != null) {
                events.emit(current, found.getOrDefault(r.object(), List.of()));
            }
            if (current == null || GatewayConditions.routeParents(parents.apply(current), r,
                    GatewayApiStatus.CONTROLLER_NAME, clock.instant()).equals(parents.apply(current))) {
                return;
            }
            client.resources(type).inNamespace(r.namespace()).withName(r.name()).editStatus(o -> {
                setParents.accept(o, GatewayConditions.routeParents(parents.apply(o), r,
                        GatewayApiStatus.CONTROLLER_NAME, clock.instant()));
                return o;
            });
        });
    }

    /** A BackendTLSPolicy's ancestors of ours; nothing is written while it has none of ours and gets none. */
    private boolean writePolicy(GatewayApiStatus.HttpRouteReport r, Map<String, List<Diagnostic>> found) {
        return write(r.kind(), r.namespace(), r.name(), () -> {
            BackendTLSPolicy current = (BackendTLSPolicy) lookup.get(r.kind(), r.namespace(), r.name());
            if (current != null) {
                events.emit(current, found.getOrDefault(r.object(), List.of()));
            }
            if (current == null || GatewayConditions.policy(current.getStatus(), r, GatewayApiStatus.CONTROLLER_NAME,
                    clock.instant()).equals(current.getStatus() == null ? new PolicyStatus(List.of())
                    : current.getStatus())) {
                return;
            }
            client.resources(BackendTLSPolicy.class).inNamespace(r.namespace()).withName(r.name()).editStatus(o -> {
                o.setStatus(GatewayConditions.policy(o.getStatus(), r, GatewayApiStatus.CONTROLLER_NAME,
                        clock.instant()));
                return o;
            });
        });
    }

    private boolean writeGrpcRoute(GatewayApiStatus.HttpRouteReport r, Map<String, List<Diagnostic>> found) {
        return write("GRPCRoute", r.namespace(), r.name(), () -> {
            GRPCRoute current = (GRPCRoute) lookup.get("GRPCRoute", r.namespace(), r.name());
            if (current != null) {
                events.emit(current, found.getOrDefault(r.object(), List.of()));
            }
            if (current == null || GatewayConditions.grpcRoute(current.getStatus(), r,
                    GatewayApiStatus.CONTROLLER_NAME, clock.instant()).equals(current.getStatus())) {
                return;
            }
            client.resources(GRPCRoute.class).inNamespace(r.namespace()).withName(r.name()).editStatus(g -> {
                g.setStatus(GatewayConditions.grpcRoute(g.getStatus(), r, GatewayApiStatus.CONTROLLER_NAME,
                        clock.instant()));
                return g;
            });
        });
    }

    private boolean write(String kind, String namespace, String name, Runnable write) {
        if (closed || !leader.getAsBoolean()) {
            return true;
        }
        try {
            write.run();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404 || closed) {
                return true; // deleted meanwhile, or the operator stops
            }
            LOG.warn("cannot write the status of {} {}{}: {}", kind, namespace == null ? "" : namespace + "/", name,
                    e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
    }
}
