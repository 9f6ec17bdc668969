package dev.breakwater.operator.watch;

import dev.breakwater.operator.annotation.ControllerConfig;
import dev.breakwater.operator.annotation.HeaderConfigMaps;
import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.cluster.GatewayApiObjects;
import dev.breakwater.operator.compile.GatewayService;
import dev.breakwater.operator.crd.Route;
import dev.breakwater.operator.gatewayapi.TcpRoute;
import dev.breakwater.operator.gatewayapi.TlsRoute;
import dev.breakwater.operator.gatewayapi.UdpRoute;
import dev.breakwater.operator.publish.ChangeSink;
import dev.breakwater.operator.publish.ClusterView;
import dev.breakwater.operator.status.AddressSource;
import dev.breakwater.operator.status.DiagnosticEvents;
import dev.breakwater.operator.status.LoadBalancerAddress;
import dev.breakwater.operator.status.RouteStatusBook;
import dev.breakwater.operator.status.StatusAddresses;
import dev.breakwater.operator.status.StatusBook;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's view of the cluster: JOSDK manages the informers (Ingress as the primary resource of the
 * status reconciler; IngressClass, Service, EndpointSlice and Secret as its event sources; plus what the address
 * source needs; and Route as the primary resource of the Route status reconciler, when the Route CRD is
 * installed), reports relevant changes to a {@link ChangeSink} and reads its caches as a {@link ClusterView}.
 *
 * <p>Routes: whether the API server serves {@code breakwater.dev/v1alpha1} Routes is asked once at start
 * (discovery, which every authenticated client may read). Without the CRD, Ingresses are served alone and a
 * warning says so; installing the CRD later takes a restart of the operator.
 *
 * <p>Secrets: two informers with a field selector on {@code type}, {@code kubernetes.io/tls} (certificates) and
 * {@code Opaque} (CA bundles for client and backend verification, Basic authentication users); their caches keep
 * only the keys the compiler reads ({@code tls.crt}, {@code tls.key}, {@code ca.crt}; of Opaque ones {@code ca.crt},
 * {@code auth} and keys whose value is a password hash) and no annotations, so
 * other secrets' values are not held in memory. Other Secret types are never listed.
 *
 * <p>ConfigMaps: those the settings name (ingress-nginx's TCP and UDP services, the controller ConfigMap), each by
 * an informer of its own with a field selector on its name, so that RBAC can grant them by {@code resourceNames}.
 * And the maps of headers Ingresses name ({@code custom-headers}, {@code auth-proxy-set-headers}, ours
 * {@code proxy-set-headers}, and the controller ConfigMap's {@code add-headers} and {@code proxy-set-headers}): which
 * ones is known only from the Ingresses, so one informer watches the ConfigMaps of the watched namespaces (and of
 * the settings' ConfigMaps), its cache holding each one's keys with its short one-line values only
 * ({@link CacheTrim#headers}); a snapshot carries those the Ingresses name, and only a change of one of them is
 * reported as a change.
 */
public final class ClusterWatch implements ClusterView, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterWatch.class);
    static final String SERVICE_INDEX = "service";
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private final KubernetesClient client;
    private final WatchSettings settings;
    private final StatusBook book;
    private final RouteStatusBook routeBook;
    private final DiagnosticEvents events;
    private final BooleanSupplier leader;

    private volatile ChangeSink sink;
    private Operator operator;
    // set in eventSources(), before the operator starts
    private IndexerResourceCache<Ingress> ingresses;
    private WatchedInformer<IngressClass> ingressClasses;
    private WatchedInformer<Service> services;
    private WatchedInformer<EndpointSlice> endpointSlices;
    private TrimmedInformers<Secret> tlsSecrets;
    private TrimmedInformers<Secret> opaqueSecrets;
    private WatchedInformer<Service> statusService;
    private WatchedInformer<Pod> statusPods;
    private WatchedInformer<Node> nodes;
    private final List<WatchedInformer<ConfigMap>> configMaps = new ArrayList<>();
    private TrimmedInformers<ConfigMap> headerConfigMaps;
    /** The header ConfigMaps ({@code namespace/name}) the Ingresses named at the last snapshot. */
    private volatile Set<String> headerRefs = Set.of();
    private String controllerConfigMap;
    private StatusTrigger<Ingress> trigger;
    // set in routeEventSources(), when the Route CRD is installed
    private IndexerResourceCache<Route> routes;
    private StatusTrigger<Route> routeTrigger;
    private volatile String routesMissing;
    // set in eventSources(), when the Gateway API CRDs are installed
    private volatile String gatewayApiMissing;
    private WatchedInformer<GatewayClass> gatewayClasses;
    private WatchedInformer<Gateway> gateways;
    private WatchedInformer<HTTPRoute> httpRoutes;
    private WatchedInformer<GRPCRoute> grpcRoutes;
    private volatile String grpcRouteMissing;
    private WatchedInformer<TlsRoute> tlsRoutes;
    private WatchedInformer<TcpRoute> tcpRoutes;
    private WatchedInformer<UdpRoute> udpRoutes;
    /** Per L4 route kind ({@code TLSRoute}, ...): why it is not watched, or null when it is. */
    private volatile Map<String, String> l4RoutesMissing = Map.of();
    private WatchedInformer<ReferenceGrant> referenceGrants;
    private WatchedInformer<BackendTLSPolicy> backendTlsPolicies;
    /** The ConfigMaps of the watched namespaces, trimmed to their {@code ca.crt}, while BackendTLSPolicy is served. */
    private TrimmedInformers<ConfigMap> caConfigMaps;
    private volatile String backendTlsPolicyMissing;
    private WatchedInformer<Namespace> namespaceObjects;
    private volatile boolean started;
    private io.micrometer.core.instrument.MeterRegistry meters;

    /**
     * @param leader whether this replica leads now: only then are Events and status written
     */
    public ClusterWatch(KubernetesClient client, WatchSettings settings, StatusBook book, RouteStatusBook routeBook,
                        DiagnosticEvents events, BooleanSupplier leader) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.book = Objects.requireNonNull(book, "book");
        this.routeBook = Objects.requireNonNull(routeBook, "routeBook");
        this.events = Objects.requireNonNull(events, "events");
        this.leader = Objects.requireNonNull(leader, "leader");
    }

    /**
     * The registry that gets JOSDK's meters of the status reconcilers (executions, their duration, failures; not per
     * object); set before {@link #start}. Without one, none are kept.
     */
    public ClusterWatch meters(io.micrometer.core.instrument.MeterRegistry registry) {
        this.meters = registry;
        return this;
    }

    /**
     * ingress-nginx's controller ConfigMap ({@code namespace/name}, one of {@link WatchSettings#configMaps()}; null:
     * none), whose {@code add-headers} and {@code proxy-set-headers} name header ConfigMaps; set before
     * {@link #start}.
     */
    public ClusterWatch controllerConfigMap(String ref) {
        this.controllerConfigMap = ref;
        return this;
    }

    /**
     * Starts every informer and returns once all of them have listed what they watch (or throws, e.g. when RBAC
     * forbids a list).
     */
    public void start(ChangeSink changeSink) {
        this.sink = Objects.requireNonNull(changeSink, "changeSink");
        operator = new Operator(o -> o.withKubernetesClient(client)
                .withCloseClientOnStop(false)
                .withStopOnInformerErrorDuringStartup(true)
                .withCacheSyncTimeout(settings.cacheSyncTimeout())
                .withConcurrentReconciliationThreads(4)
                .withMetrics(meters == null ? io.javaoperatorsdk.operator.api.monitoring.Metrics.NOOP
                        : io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics
                                .withoutPerResourceMetrics(meters))
                .withInformerStoppedHandler((informer, e) -> {
                    if (e != null && informer.hasSynced()) {
                        LOG.error("informer {} failed for good", informer, e);
                        if (settings.exitOnInformerLoss()) {
                            System.exit(1);
                        }
                    }
                }));
        gatewayApiMissing = GatewayApiWatch.missing(client);
        if (gatewayApiMissing != null) {
            LOG.info("Gateway API is NOT served: {}", gatewayApiMissing);
        } else {
            grpcRouteMissing = GatewayApiWatch.missingGrpcRoute(client);
            Map<String, String> l4Missing = new HashMap<>();
            for (String kind : List.of("TLSRoute", "TCPRoute", "UDPRoute")) {
                String why = GatewayApiWatch.missingRoute(client, kind);
                if (why != null) {
                    l4Missing.put(kind, why);
                    LOG.info("{} is NOT served: {}", kind, why);
                }
            }
            l4RoutesMissing = Map.copyOf(l4Missing);
            backendTlsPolicyMissing = GatewayApiWatch.missingRoute(client, "BackendTLSPolicy");
            if (backendTlsPolicyMissing != null) {
                LOG.info("BackendTLSPolicy is NOT served: {}", backendTlsPolicyMissing);
            }
            if (grpcRouteMissing != null) {
                LOG.info("GRPCRoute is NOT served: {}", grpcRouteMissing);
            }
        }
        IngressStatusReconciler reconciler = new IngressStatusReconciler(book, events, leader, this::eventSources);
        operator.register(reconciler, o -> {
            o.withName("breakwater-ingress-status");
            o.withFieldManager(settings.fieldManager());
            o.withGenerationAware(false);
            if (settings.namespaces().isEmpty()) {
                o.watchingAllNamespaces();
            } else {
                o.settingNamespaces(settings.namespaces());
            }
        });
        routesMissing = routesMissing();
        if (routesMissing == null) {
            RouteStatusReconciler routeReconciler = new RouteStatusReconciler(routeBook, events, leader,
                    Clock.systemUTC(), this::routeEventSources);
            operator.register(routeReconciler, o -> {
                o.withName("breakwater-route-status");
                o.withFieldManager(settings.fieldManager());
                o.withGenerationAware(false);
                if (settings.namespaces().isEmpty()) {
                    o.watchingAllNamespaces();
                } else {
                    o.settingNamespaces(settings.namespaces());
                }
            });
        } else {
            LOG.warn("Routes are NOT served: {}. Serving Ingresses only; install the CRD (kubectl apply -f crds/) "
                    + "and restart the operator to serve Routes", routesMissing);
        }
        operator.start();
        started = true;
        refreshAddresses();
        LOG.info("watching {} (Ingress classes: {}; Routes: {}); caches synced",
                settings.namespaces().isEmpty() ? "all namespaces" : "namespaces " + settings.namespaces(),
                settings.ingressClassNames().isEmpty() ? "every class of ours" : settings.ingressClassNames(),
                routesMissing == null ? "yes" : "no, the CRD is not installed");
    }

    /** Null when the API server serves Routes, else why not (the CRD is not installed). */
    private String routesMissing() {
        try {
            if (client.supports(Route.API_VERSION, Route.KIND)) {
                return null;
            }
            return "the API server does not serve " + Route.API_VERSION + " " + Route.KIND
                    + " (the CustomResourceDefinition routes." + Route.GROUP + " is not installed)";
        } catch (KubernetesClientException e) {
            throw new KubernetesClientException("cannot ask the API server whether it serves " + Route.API_VERSION
                    + " Routes (discovery): " + e.getMessage(), e);
        }
    }

    /** Whether Routes are watched and served (their CRD was installed when the watch started). */
    public boolean routesWatched() {
        return started && routesMissing == null;
    }

    /** Why Routes are not watched, or null when they are. */
    public String routesNotWatchedReason() {
        return routesMissing;
    }

    /** Reconcile the status of these objects ({@code Ingress/namespace/name}, {@code Route/namespace/name}) soon. */
    public void triggerStatus(Set<String> objects) {
        if (objects.isEmpty()) {
            return;
        }
        if (trigger != null) {
            trigger.trigger(objects);
        }
        if (routeTrigger != null) {
            routeTrigger.trigger(objects);
        }
    }

    private List<EventSource<?, Route>> routeEventSources(EventSourceContext<Route> context) {
        routes = context.getPrimaryCache();
        routeTrigger = new StatusTrigger<>("Route", this::routeChanged);
        return List.of(routeTrigger);
    }

    private void routeChanged(Route before, Route after) {
        if (after == null) {
            events.forget(before.getMetadata().getUid());
        }
        // a Route's spec changes bump its generation; status-only changes (ours included) cannot change the table
        if (before == null || after == null
                || !Objects.equals(before.getMetadata().getGeneration(), after.getMetadata().getGeneration())) {
            sink.objectsChanged();
        }
    }

    private List<EventSource<?, Ingress>> eventSources(EventSourceContext<Ingress> context) {
        ingresses = context.getPrimaryCache();
        List<EventSource<?, Ingress>> sources = new ArrayList<>();
        trigger = new StatusTrigger<>("Ingress", this::ingressChanged);
        sources.add(trigger);

        ingressClasses = new WatchedInformer<>(InformerEventSourceConfiguration.from(IngressClass.class, Ingress.class)
                .withName("ingress-classes").withSecondaryToPrimaryMapper(r -> Set.of())
                .withWatchAllNamespaces().build(), context, (before, after) -> {
                    if (before == null || after == null || !Objects.equals(before.getSpec(), after.getSpec())
                            || !Objects.equals(before.getMetadata().getAnnotations(),
                            after.getMetadata().getAnnotations())) {
                        sink.objectsChanged();
                    }
                });
        sources.add(ingressClasses);

        services = new WatchedInformer<>(namespaced(InformerEventSourceConfiguration.from(Service.class, Ingress.class)
                .withName("services")).build(), context, (before, after) -> {
                    if (before == null || after == null || !Objects.equals(before.getSpec(), after.getSpec())
                            || isGatewayService(after) && !Objects.equals(before.getStatus(), after.getStatus())) {
                        sink.objectsChanged(); // a Gateway's own Service: its load-balancer address is the Gateway's
                    }
                });
        sources.add(services);

        endpointSlices = new WatchedInformer<>(namespaced(InformerEventSourceConfiguration
                .from(EndpointSlice.class, Ingress.class).withName("endpoint-slices")).build(), context,
                this::sliceChanged);
        endpointSlices.addIndexers(Map.of(SERVICE_INDEX, slice -> {
            String service = serviceOf(slice);
            return service == null ? List.of() : List.of(slice.getMetadata().getNamespace() + "/" + service);
        }));
        sources.add(endpointSlices);

        tlsSecrets = secrets(context, "tls-secrets", "kubernetes.io/tls", CacheTrim::tls);
        opaqueSecrets = secrets(context, "opaque-secrets", "Opaque", CacheTrim::opaque);
        sources.addAll(tlsSecrets.sources());
        sources.addAll(opaqueSecrets.sources());

        for (String ref : new TreeSet<>(settings.configMaps())) {
            WatchedInformer<ConfigMap> informer = configMap(context, ref);
            configMaps.add(informer);
            sources.add(informer);
        }
        headerConfigMaps = new TrimmedInformers<>("header-configmaps", headerNamespaces(),
                () -> InformerEventSourceConfiguration.from(ConfigMap.class, Ingress.class), CacheTrim::headers,
                context, this::headerConfigMapChanged);
        sources.addAll(headerConfigMaps.sources());

        if (gatewayApiMissing == null) {
            gatewayClasses = new WatchedInformer<>(InformerEventSourceConfiguration
                    .from(GatewayClass.class, Ingress.class)
                    .withName("gateway-classes").withSecondaryToPrimaryMapper(r -> Set.of()).withWatchAllNamespaces()
                    .build(), context, this::specChanged);
            gateways = new WatchedInformer<>(namespaced(InformerEventSourceConfiguration
                    .from(Gateway.class, Ingress.class)
                    .withName("gateways")).build(), context, this::specChanged);
            httpRoutes = new WatchedInformer<>(namespaced(InformerEventSourceConfiguration
                    .from(HTTPRoute.class, Ingress.class)
                    .withName("http-routes")).build(), context, this::specChanged);
            referenceGrants = new WatchedInformer<>(namespaced(InformerEventSourceConfiguration
                    .from(ReferenceGrant.class, Ingress.class)
                    .withName("reference-grants")).build(), context, this::specChanged);
            namespaceObjects = new WatchedInformer<>(InformerEventSourceConfiguration
                    .from(Namespace.class, Ingress.class)
                    .withName("namespaces").withSecondaryToPrimaryMapper(r -> Set.of()).withWatchAllNamespaces()
                    .build(), context, (before, after) -> {
                        if (before == null || after == null || !Objects.equals(before.getMetadata().getLabels(),
                                after.getMetadata().getLabels())) {
                            sink.objectsChanged();
                        }
                    });
            sources.addAll(List.of(gatewayClasses, gateways, httpRoutes, referenceGrants, namespaceObjects));
            if (grpcRouteMissing == null) {
                grpcRoutes = new WatchedInformer<>(namespaced(InformerEventSourceConfiguration
                        .from(GRPCRoute.class, Ingress.class)
                        .withName("grpc-routes")).build(), context, this::specChanged);
                sources.add(grpcRoutes);
            }
            if (!l4RoutesMissing.containsKey("TLSRoute")) {
                tlsRoutes = new WatchedInformer<>(namespaced(InformerEventSourceConfiguration
                        .from(TlsRoute.class, Ingress.class)
                        .withName("tls-routes")).build(), context, this::specChanged);
                sources.add(tlsRoutes);
            }
            if (!l4RoutesMissing.containsKey("TCPRoute")) {
                tcpRoutes = new WatchedInformer<>(namespaced(InformerEventSourceConfiguration
                        .from(TcpRoute.class, Ingress.class)
                        .withName("tcp-routes")).build(), context, this::specChanged);
                sources.add(tcpRoutes);
            }
            if (backendTlsPolicyMissing == null) {
                backendTlsPolicies = new WatchedInformer<>(namespaced(InformerEventSourceConfiguration
                        .from(BackendTLSPolicy.class, Ingress.class)
                        .withName("backend-tls-policies")).build(), context, this::specChanged);
                sources.add(backendTlsPolicies);
                caConfigMaps = new TrimmedInformers<>("ca-configmaps", Set.copyOf(settings.namespaces()),
                        () -> InformerEventSourceConfiguration.from(ConfigMap.class, Ingress.class),
                        CacheTrim::caCertificate, context, this::caConfigMapChanged);
                sources.addAll(caConfigMaps.sources());
            }
            if (!l4RoutesMissing.containsKey("UDPRoute")) {
                udpRoutes = new WatchedInformer<>(namespaced(InformerEventSourceConfiguration
                        .from(UdpRoute.class, Ingress.class)
                        .withName("udp-routes")).build(), context, this::specChanged);
                sources.add(udpRoutes);
            }
        }

        AddressSource source = settings.addressSource();
        if (source instanceof AddressSource.FromService s) {
            statusService = new WatchedInformer<>(InformerEventSourceConfiguration.from(Service.class, Ingress.class)
                    .withName("status-service").withSecondaryToPrimaryMapper(r -> Set.of())
                    .withNamespaces(s.namespace())
                    .withFieldSelector(new FieldSelector(new FieldSelector.Field("metadata.name", s.name())))
                    .build(), context, (before, after) -> refreshAddresses());
            sources.add(statusService);
        } else if (source instanceof AddressSource.FromPods p) {
            statusPods = new WatchedInformer<>(InformerEventSourceConfiguration.from(Pod.class, Ingress.class)
                    .withName("status-pods").withSecondaryToPrimaryMapper(r -> Set.of())
                    .withNamespaces(p.namespace()).withLabelSelector(p.labelSelector())
                    .withItemStore(new TransformingItemStore<>(CacheTrim::pod))
                    .build(), context, (before, after) -> refreshAddresses());
            nodes = new WatchedInformer<>(InformerEventSourceConfiguration.from(Node.class, Ingress.class)
                    .withName("nodes").withSecondaryToPrimaryMapper(r -> Set.of()).withWatchAllNamespaces()
                    .withItemStore(new TransformingItemStore<>(CacheTrim::node))
                    .build(), context, (before, after) -> refreshAddresses());
            sources.add(statusPods);
            sources.add(nodes);
        }
        return sources;
    }

    /** A Gateway API object changed: its generation (spec) or existence; status-only changes (ours) change nothing. */
    private <R extends HasMetadata> void specChanged(R before, R after) {
        if (before == null || after == null
                || !Objects.equals(before.getMetadata().getGeneration(), after.getMetadata().getGeneration())) {
            sink.objectsChanged();
        }
    }

    /** A ConfigMap changed: a new snapshot when a BackendTLSPolicy names it and its {@code ca.crt} changed. */
    private void caConfigMapChanged(ConfigMap before, ConfigMap after) {
        ConfigMap any = after != null ? after : before;
        String namespace = any.getMetadata().getNamespace();
        String name = any.getMetadata().getName();
        boolean named = backendTlsPolicies != null && backendTlsPolicies.list(p -> namespace.equals(
                p.getMetadata().getNamespace()) && p.getSpec() != null && p.getSpec().getValidation() != null
                && p.getSpec().getValidation().getCaCertificateRefs() != null
                && p.getSpec().getValidation().getCaCertificateRefs().stream()
                        .anyMatch(r -> name.equals(r.getName()))).findAny().isPresent();
        if (!named) {
            return;
        }
        if (before == null || after == null || !Objects.equals(CacheTrim.caCertificate(before).getData(),
                CacheTrim.caCertificate(after).getData())) {
            sink.objectsChanged();
        }
    }

    /** Whether the Gateway API CRDs were installed when the watch started; null when they were, else why not. */
    public String gatewayApiNotWatchedReason() {
        return gatewayApiMissing;
    }

    /** The Gateway API object {@code kind} {@code namespace/name} as the cache holds it, or null. */
    public HasMetadata gatewayApiObject(String kind, String namespace, String name) {
        WatchedInformer<? extends HasMetadata> informer = switch (kind) {
            case "GatewayClass" -> gatewayClasses;
            case "Gateway" -> gateways;
            case "HTTPRoute" -> httpRoutes;
            case "GRPCRoute" -> grpcRoutes;
            case "TLSRoute" -> tlsRoutes;
            case "TCPRoute" -> tcpRoutes;
            case "UDPRoute" -> udpRoutes;
            case "BackendTLSPolicy" -> backendTlsPolicies;
            case "Service" -> services;
            default -> null;
        };
        return informer == null ? null : informer.get(new ResourceID(name, namespace)).orElse(null);
    }

    private <R extends HasMetadata> InformerEventSourceConfiguration.Builder<R> namespaced(
            InformerEventSourceConfiguration.Builder<R> builder) {
        builder.withSecondaryToPrimaryMapper(r -> Set.of());
        return settings.namespaces().isEmpty() ? builder.withWatchAllNamespaces()
                : builder.withNamespaces(settings.namespaces());
    }

    private TrimmedInformers<Secret> secrets(EventSourceContext<Ingress> context, String name, String type,
                                             UnaryOperator<Secret> trim) {
        return new TrimmedInformers<>(name, Set.copyOf(settings.namespaces()),
                () -> InformerEventSourceConfiguration.from(Secret.class, Ingress.class)
                        .withFieldSelector(new FieldSelector(new FieldSelector.Field("type", type))),
                trim, context, (before, after) -> {
                    // the cache holds trimmed copies; a change of keys we do not read changes nothing
                    if (before == null || after == null || !CacheTrim.sameContent(before, trim.apply(after))) {
                        sink.objectsChanged();
                    }
                });
    }

    private WatchedInformer<ConfigMap> configMap(EventSourceContext<Ingress> context, String ref) {
        int slash = ref.indexOf('/');
        return new WatchedInformer<>(InformerEventSourceConfiguration.from(ConfigMap.class, Ingress.class)
                .withName("configmap-" + ref.replace('/', '-')).withSecondaryToPrimaryMapper(r -> Set.of())
                .withNamespaces(ref.substring(0, slash))
                .withFieldSelector(new FieldSelector(new FieldSelector.Field("metadata.name", ref.substring(slash + 1))))
                .build(), context, (before, after) -> {
                    if (after == null) {
                        events.forget(before.getMetadata().getUid());
                    }
                    if (before == null || after == null || !Objects.equals(before.getData(), after.getData())) {
                        sink.objectsChanged();
                    }
                });
    }

    /**
     * The header ConfigMaps' namespaces: the watched ones (empty: all) with those of the settings' ConfigMaps (a
     * controller ConfigMap's add-headers).
     */
    private Set<String> headerNamespaces() {
        if (settings.namespaces().isEmpty()) {
            return Set.of();
        }
        Set<String> namespaces = new TreeSet<>(settings.namespaces());
        for (String ref : settings.configMaps()) {
            namespaces.add(ref.substring(0, ref.indexOf('/')));
        }
        return namespaces;
    }

    private void headerConfigMapChanged(ConfigMap before, ConfigMap after) {
        ConfigMap any = after != null ? after : before;
        if (!headerRefs.contains(any.getMetadata().getNamespace() + "/" + any.getMetadata().getName())) {
            return; // no Ingress names it (a snapshot that comes to name it reads the cache, which has it)
        }
        if (before == null || after == null || !Objects.equals(CacheTrim.headers(before).getData(),
                CacheTrim.headers(after).getData())) {
            sink.objectsChanged();
        }
    }

    /** The header ConfigMaps the Ingresses name, with the controller ConfigMap's defaults. */
    private Set<String> headerRefs(List<Ingress> list) {
        ControllerConfig config = ControllerConfig.NONE;
        if (controllerConfigMap != null) {
            int slash = controllerConfigMap.indexOf('/');
            ConfigMap map = configMap(controllerConfigMap.substring(0, slash), controllerConfigMap.substring(slash + 1));
            config = HeaderConfigMaps.controllerConfig(map == null ? null : map.getData());
        }
        Set<String> refs = new TreeSet<>();
        for (Ingress ingress : list) {
            refs.addAll(HeaderConfigMaps.named(ingress.getMetadata().getNamespace(),
                    ingress.getMetadata().getAnnotations(), config));
        }
        return refs;
    }

    /** A watched ConfigMap ({@link WatchSettings#configMaps()}), or null when it does not exist. */
    public ConfigMap configMap(String namespace, String name) {
        for (WatchedInformer<ConfigMap> informer : configMaps) {
            ConfigMap found = informer.get(new ResourceID(name, namespace)).orElse(null);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private void ingressChanged(Ingress before, Ingress after) {
        if (after == null) {
            events.forget(before.getMetadata().getUid());
        }
        // status-only changes (ours included) cannot change the table
        if (before == null || after == null || !Objects.equals(before.getSpec(), after.getSpec())
                || !Objects.equals(before.getMetadata().getAnnotations(), after.getMetadata().getAnnotations())) {
            sink.objectsChanged();
        }
    }

    private void sliceChanged(EndpointSlice before, EndpointSlice after) {
        if (before != null && after != null && Objects.equals(before.getEndpoints(), after.getEndpoints())
                && Objects.equals(before.getPorts(), after.getPorts())
                && Objects.equals(serviceOf(before), serviceOf(after))) {
            return;
        }
        for (EndpointSlice slice : new EndpointSlice[] {before, after}) {
            String service = slice == null ? null : serviceOf(slice);
            if (service != null) {
                sink.endpointSlicesChanged(slice.getMetadata().getNamespace() + "/" + service);
            }
        }
    }

    private static String serviceOf(EndpointSlice slice) {
        Map<String, String> labels = slice.getMetadata() == null ? null : slice.getMetadata().getLabels();
        return labels == null ? null : labels.get(SERVICE_NAME_LABEL);
    }

    private void refreshAddresses() {
        if (!started) {
            return; // start() computes them once every informer has synced
        }
        AddressSource source = settings.addressSource();
        List<LoadBalancerAddress> addresses;
        if (source instanceof AddressSource.Fixed f) {
            addresses = f.addresses();
        } else if (source instanceof AddressSource.FromService s) {
            addresses = StatusAddresses.ofService(statusService.get(new ResourceID(s.name(), s.namespace()))
                    .orElse(null));
        } else if (source instanceof AddressSource.FromPods) {
            addresses = StatusAddresses.ofNodes(statusPods.list(p -> true).toList(), nodes.list(n -> true).toList());
        } else {
            return;
        }
        Set<String> changed = book.addresses(addresses);
        if (!changed.isEmpty()) {
            LOG.info("Ingress status address now {}", addresses);
            triggerStatus(changed);
        }
    }

    @Override
    public ClusterSnapshot snapshot() {
        List<IngressClass> classes = ingressClasses.list(c -> settings.ingressClassNames().isEmpty()
                || settings.ingressClassNames().contains(c.getMetadata().getName())).toList();
        List<Secret> secrets = new ArrayList<>(tlsSecrets.list(s -> true).toList());
        secrets.addAll(opaqueSecrets.list(s -> true).toList());
        IndexerResourceCache<Route> routeCache = routes;
        List<Ingress> ingressList = ingresses.list().toList();
        List<ConfigMap> maps = new ArrayList<>();
        Set<String> named = new java.util.HashSet<>();
        for (WatchedInformer<ConfigMap> informer : configMaps) {
            for (ConfigMap m : informer.list(c -> true).toList()) {
                maps.add(m);
                named.add(m.getMetadata().getNamespace() + "/" + m.getMetadata().getName());
            }
        }
        // published before the cache is read: a ConfigMap that arrives after this read is reported by its event
        Set<String> refs = headerRefs(ingressList);
        headerRefs = Set.copyOf(refs);
        for (String ref : refs) {
            int slash = ref.indexOf('/');
            if (!named.contains(ref)) {
                headerConfigMaps.get(new ResourceID(ref.substring(slash + 1), ref.substring(0, slash)))
                        .ifPresent(maps::add);
            }
        }
        GatewayApiObjects gatewayApi = gateways == null
                ? GatewayApiObjects.NONE
                : new GatewayApiObjects(gatewayClasses.list(c -> true).toList(),
                        gateways.list(g -> true).toList(), httpRoutes.list(r -> true).toList(),
                        referenceGrants.list(g -> true).toList(), namespaceObjects.list(n -> true).toList(),
                        grpcRoutes == null ? List.of() : grpcRoutes.list(r -> true).toList(),
                        tlsRoutes == null ? List.of() : tlsRoutes.list(r -> true).toList(),
                        tcpRoutes == null ? List.of() : tcpRoutes.list(r -> true).toList(),
                        udpRoutes == null ? List.of() : udpRoutes.list(r -> true).toList(),
                        backendTlsPolicies == null ? List.of() : backendTlsPolicies.list(r -> true).toList(),
                        caConfigMaps == null ? List.of() : caConfigMaps.list(m -> m.getData() != null).toList());
        return new ClusterSnapshot(ingressList, classes, services.list(s -> true).toList(),
                endpointSlices.list(s -> true).toList(), secrets,
                routeCache == null ? List.of() : routeCache.list().toList(), maps, gatewayApi);
    }

    private static boolean isGatewayService(Service s) {
        return s.getMetadata().getLabels() != null
                && "true".equals(s.getMetadata().getLabels().get(GatewayService.LABEL));
    }

    @Override
    public Service service(String namespace, String name) {
        return services.get(new ResourceID(name, namespace)).orElse(null);
    }

    @Override
    public List<EndpointSlice> endpointSlices(String namespace, String service) {
        return endpointSlices.byIndex(SERVICE_INDEX, namespace + "/" + service);
    }

    @Override
    public void close() {
        if (operator != null) {
            operator.stop();
        }
    }
}
