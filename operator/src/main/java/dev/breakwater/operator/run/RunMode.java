package dev.breakwater.operator.run;

import dev.breakwater.channel.ChannelTls;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.publish.TablePipeline;
import dev.breakwater.operator.publish.TablePublisher;
import dev.breakwater.operator.publish.TableServer;
import dev.breakwater.operator.publish.TableVersions;
import dev.breakwater.operator.status.ConfigMapEvents;
import dev.breakwater.operator.status.DiagnosticEvents;
import dev.breakwater.operator.status.GatewayStatusWriter;
import dev.breakwater.operator.status.RouteStatusBook;
import dev.breakwater.operator.status.StatusBook;
import dev.breakwater.operator.watch.ClusterWatch;
import dev.breakwater.operator.watch.LeaderEndpoint;
import dev.breakwater.operator.watch.Leadership;
import dev.breakwater.operator.watch.WatchSettings;
import dev.breakwater.routing.RoutingTable;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-cluster operator, wired in one place: the {@link ClusterWatch} (informers, status reconciler) feeds the
 * {@link TablePipeline} (debounce, compile or endpoint fast path, publish), whose compilations feed the
 * {@link StatusBook} (Ingress status and Events) and the {@link RouteStatusBook} (Route status and Events), which
 * the data planes' answers feed too ({@code Programmed}); {@link Leadership} decides whether this replica
 * compiles, publishes and writes. Every replica watches (warm caches); only the leader does the rest.
 */
public final class RunMode implements AutoCloseable, Leadership.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(RunMode.class);
    /**
     * How long a new leader keeps a Route's {@code Programmed=True} while no data plane has connected to it yet
     * (they reconnect with a backoff of at most 15 s).
     */
    static final Duration TAKEOVER_GRACE = Duration.ofSeconds(30);

    private final RunOptions options;
    private final KubernetesClient client;
    private final StatusBook book;
    private final DiagnosticEvents events;
    private final ClusterWatch watch;
    private final TablePipeline pipeline;
    private final Leadership leadership;
    private final RouteStatusBook routeBook;
    private final GatewayStatusWriter gatewayStatus;
    private final ConfigMapEvents configMapEvents;
    private final TablePublisher publisher;
    private final LeaderEndpoint leaderEndpoint;
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "breakwater-leader-tasks");
        t.setDaemon(true);
        return t;
    });
    private HealthServer health;
    private volatile boolean synced;

    private RunMode(RunOptions options, KubernetesClient client, TablePublisher publisher, boolean embedded,
                    io.micrometer.core.instrument.MeterRegistry registry) {
        this.options = options;
        this.client = client;
        String namespace = options.namespace() != null ? options.namespace()
                : client.getConfiguration().getNamespace() != null ? client.getConfiguration().getNamespace()
                : "default";
        CompilerOptions compilerOptions = new CompilerOptions(options.controllerName(), false)
                .alsoServing(options.alsoServedClasses()).withL4Sources(options.l4Sources())
                .withGatewayPorts(options.gatewayPorts()).withControllerConfigMap(options.controllerConfigMap())
                .withDefaultBackendService(options.defaultBackendService());
        this.book = new StatusBook(compilerOptions);
        this.events = new DiagnosticEvents(client, options.identity(), Clock.systemUTC());
        this.publisher = publisher;
        this.routeBook = new RouteStatusBook(publisher, Clock.systemUTC(), TAKEOVER_GRACE);
        this.leadership = new Leadership(client, new Leadership.Settings(namespace, options.leaseName(),
                options.identity(), options.leaseDuration(), options.renewDeadline(), options.retryPeriod()), this);
        WatchSettings settings = WatchSettings.defaults().withNamespaces(options.namespaces())
                .withIngressClassNames(options.ingressClasses()).withAddressSource(options.statusAddress())
                .withExitOnInformerLoss(!embedded).withConfigMaps(configMapRefs(options));
        settings = new WatchSettings(settings.namespaces(), settings.ingressClassNames(), settings.addressSource(),
                options.fieldManager(), settings.cacheSyncTimeout(), settings.exitOnInformerLoss(),
                settings.configMaps());
        this.watch = new ClusterWatch(client, settings, book, routeBook, events, leadership::isLeader).meters(registry)
                .controllerConfigMap(options.controllerConfigMap());
        this.gatewayStatus = new GatewayStatusWriter(client, publisher, book::addresses,
                leadership::isLeader, Clock.systemUTC(), watch::gatewayApiObject, events);
        this.configMapEvents = new ConfigMapEvents(events, List.copyOf(configMapRefs(options)), watch::configMap,
                leadership::isLeader);
        this.pipeline = TablePipeline.builder().view(watch).options(compilerOptions).clock(Clock.systemUTC())
                .meterRegistry(registry)
                .publisher(publisher).debounce(options.debounce(), options.debounceMax()).endpointDebounce(options.endpointDebounce()).resync(options.resync())
                .listener((snapshot, compilation, version) -> {
                    watch.triggerStatus(book.compiled(snapshot, compilation));
                    watch.triggerStatus(routeBook.compiled(compilation, version));
                    gatewayStatus.compiled(compilation, version);
                    configMapEvents.compiled(compilation);
                })
                .build();
        this.leaderEndpoint = options.channelService() == null ? null
                : new LeaderEndpoint(namespace, options.channelService(), options.podIp(), options.channelPort());
    }

    /**
     * Starts watching, waits until every informer has synced, then becomes a candidate for leadership.
     *
     * @param embedded several operators share this JVM (tests): never exit the process on an informer failure
     */
    public static RunMode start(RunOptions options, KubernetesClient client, TablePublisher publisher,
                                boolean embedded) {
        return start(options, client, publisher, embedded, null);
    }

    /**
     * As above, and {@code /metrics} on the health port serves {@code metrics} (Prometheus text), when not null.
     */
    public static RunMode start(RunOptions options, KubernetesClient client, TablePublisher publisher,
                                boolean embedded, java.util.function.Supplier<String> metrics) {
        return start(options, client, publisher, embedded, metrics, null);
    }

    /** As above, the compile durations recorded in {@code registry} (the one {@code metrics} scrapes) when not null. */
    public static RunMode start(RunOptions options, KubernetesClient client, TablePublisher publisher,
                                boolean embedded, java.util.function.Supplier<String> metrics,
                                io.micrometer.core.instrument.MeterRegistry registry) {
        Objects.requireNonNull(options, "options");
        RunMode run = new RunMode(options, client, Objects.requireNonNull(publisher, "publisher"), embedded,
                registry);
        try {
            run.publisher.onDataPlanesChanged(run::dataPlanesChanged);
            run.watch.start(run.pipeline);
            run.synced = true;
            run.pipeline.synced();
            run.leadership.start();
            if (options.healthPort() > 0 || embedded) {
                run.health = new HealthServer(options.healthBind(), options.healthPort(), () -> run.synced,
                        run::describe, metrics);
            }
        } catch (IOException e) {
            run.close();
            throw new UncheckedIOException("health port " + options.healthPort() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
        return run;
    }

    @Override
    public void startedLeading(long term) {
        events.reset();
        book.reset();
        routeBook.startTerm();
        gatewayStatus.startTerm();
        pipeline.startLeading(term);
        if (leaderEndpoint != null) {
            background.execute(this::claimChannel);
        }
        // the grace during which Programmed=True is kept ends: look at every Route again
        background.schedule(() -> {
            if (leadership.isLeader()) {
                watch.triggerStatus(routeBook.routes());
            }
        }, TAKEOVER_GRACE.toMillis() + 100, TimeUnit.MILLISECONDS);
    }

    /** What the data planes serve changed (an ACK, a NACK, one came or went): their Routes' Programmed. */
    private void dataPlanesChanged() {
        if (leadership.isLeader()) {
            watch.triggerStatus(routeBook.dataPlanesChanged());
            gatewayStatus.dataPlanesChanged();
        }
    }

    @Override
    public void stoppedLeading() {
        pipeline.stopLeading();
    }

    private void claimChannel() {
        for (int attempt = 1; leadership.isLeader(); attempt++) {
            try {
                leaderEndpoint.claim(client, options.fieldManager(), options.identity());
                LOG.info("channel Service {}/{} now points at this replica ({}:{})", leaderEndpoint.namespace(),
                        leaderEndpoint.service(), leaderEndpoint.podIp(), leaderEndpoint.port());
                return;
            } catch (KubernetesClientException e) {
                LOG.warn("cannot point the channel Service at this replica (attempt {}): {}", attempt, e.getMessage());
                try {
                    Thread.sleep(Math.min(5000, 200L * attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public boolean isLeader() {
        return leadership.isLeader();
    }

    public String identity() {
        return leadership.identity();
    }

    public TablePipeline.Stats stats() {
        return pipeline.stats();
    }

    /** Whether Routes are watched and served (their CRD was installed at start). */
    public boolean routesWatched() {
        return watch.routesWatched();
    }

    /** The table this replica published last in its current term, or null. */
    public RoutingTable published() {
        return pipeline.published();
    }

    /** The health port (after start); -1 when off. */
    public int healthPort() {
        return health == null ? -1 : health.port();
    }

    private String describe() {
        RoutingTable t = pipeline.published();
        return (leadership.isLeader() ? "leader" : "standby") + (t == null ? ""
                : ", table v" + TableVersions.describe(t.version()))
                + (watch.routesNotWatchedReason() == null ? "" : ", Routes not served: " + watch.routesNotWatchedReason());
    }

    /** Stops leading first (nothing more is written), releases the Lease, then stops watching. */
    @Override
    public void close() {
        leadership.close();
        pipeline.close();
        watch.close();
        configMapEvents.close();
        gatewayStatus.close();
        background.shutdownNow();
        if (health != null) {
            health.close();
        }
    }

    private static Set<String> configMapRefs(RunOptions options) {
        Set<String> refs = new TreeSet<>();
        if (options.l4Sources().tcpServices() != null) {
            refs.add(options.l4Sources().tcpServices());
        }
        if (options.l4Sources().udpServices() != null) {
            refs.add(options.l4Sources().udpServices());
        }
        if (options.controllerConfigMap() != null) {
            refs.add(options.controllerConfigMap());
        }
        return refs;
    }

    /** {@code breakwater-operator run [options]} ({@link RunCommand}): runs until SIGTERM. */
    public static void run(RunOptions options) throws InterruptedException {
        Config config;
        try {
            config = options.kubeconfig() == null ? Config.autoConfigure(null)
                    : Config.fromKubeconfig(Files.readString(options.kubeconfig()));
        } catch (IOException e) {
            System.err.println("breakwater-operator: --kubeconfig: " + e.getMessage());
            System.exit(2);
            return;
        }
        TablePublisher publisher = TablePublisher.logging();
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
                new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        TableServer channel = null;
        if (options.channel() != null) {
            try {
                RunOptions.ChannelFiles f = options.channel();
                channel = TableServer.builder().meterRegistry(registry).bindAddress(options.channelBind()).port(options.channelPort())
                        .tls(ChannelTls.server(f.cert(), f.key(), f.ca()))
                        .listener((dataPlane, answer) -> {
                            if (answer.acked()) {
                                LOG.info("data plane {} serves v{}", dataPlane.id(), answer.version());
                            } else {
                                LOG.warn("data plane {} refused v{}: {}", dataPlane.id(), answer.version(),
                                        answer.reason());
                            }
                        })
                        .build().start();
                publisher = channel;
            } catch (RuntimeException e) {
                System.err.println("breakwater-operator: push channel: " + e.getMessage());
                System.exit(2);
                return;
            }
        }
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        RunMode run;
        try {
            run = start(options, client, publisher, false, registry::scrape, registry);
        } catch (RuntimeException e) {
            LOG.error("cannot start: {}", e.getMessage(), e);
            client.close();
            if (channel != null) {
                channel.close();
            }
            System.exit(1);
            return;
        }
        TableServer channelToClose = channel;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: releasing leadership");
            run.close();
            client.close();
            if (channelToClose != null) {
                channelToClose.close();
            }
            stopped.countDown();
        }, "breakwater-shutdown"));
        stopped.await();
    }
}
