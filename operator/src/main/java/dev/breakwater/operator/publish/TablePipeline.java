package dev.breakwater.operator.publish;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.compile.EndpointRefresh;
import dev.breakwater.operator.compile.IncrementalCompiler;
import dev.breakwater.operator.compile.SecretChecks;
import dev.breakwater.routing.RoutingTable;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * From changes to published tables, on the leader: changes are debounced; a batch in which only EndpointSlices
 * changed takes the endpoint fast path ({@link EndpointRefresh}: the previous table with those Services'
 * endpoints recomputed), anything else a compilation of the {@link ClusterView}'s snapshot by the
 * {@link IncrementalCompiler} (only the objects the changes reach, when it can). A table whose
 * content hash equals the one published last gets no new version and is not published.
 *
 * <p>Nothing is compiled before the caches {@link #synced() synced}, nor on a replica that does not lead. A new
 * term of leadership begins with a full compilation, published whatever its hash (the data planes may hold a
 * table of another leader). All compiling happens on one thread.
 */
public final class TablePipeline implements ChangeSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TablePipeline.class);

    /** Told about every full compilation on the leader (the fast path changes no diagnostics). */
    public interface CompilationListener {
        /**
         * @param version the version serving this compilation's table: the one just published, or the last one
         *                published when the table is unchanged (same content); 0 when publishing it failed (no
         *                version serves it yet; the next change tries again)
         */
        void compiled(ClusterSnapshot snapshot, Compilation compilation, long version);
    }

    /**
     * What one run did ({@link #runNow}).
     *
     * @param outcome what became of the table compiled
     * @param version the version serving it (the one published, or the one already serving the same content); 0 when
     *                publishing failed or nothing ran
     * @param problem why publishing failed (the publisher's exception message), or null
     */
    public record Run(Outcome outcome, long version, String problem) {

        /** What became of a run's table. */
        public enum Outcome {
            /** Published as a new version. */
            PUBLISHED,
            /** The same content as the version published last: not published again. */
            UNCHANGED,
            /** The publisher refused it (see {@link Run#problem}); the previous version keeps serving. */
            FAILED,
            /** Nothing to compile: no change, or not leading. */
            NOTHING
        }
    }

    /**
     * Counters, for tests and logs.
     *
     * @param fullCompilations        compilations of the whole snapshot's changes (every run but the endpoint fast
     *                                path), whether {@link IncrementalCompiler} compiled every object or only those
     *                                changed
     * @param incrementalCompilations those of them that compiled only what the changes reach
     */
    public record Stats(long fullCompilations, long fastPaths, long unchanged, long published, long lastVersion,
                        long incrementalCompilations) {
    }

    private final ClusterView view;
    private final CompilerOptions options;
    private final Clock clock;
    private final TablePublisher publisher;
    private final CompilationListener listener;
    private final ScheduledExecutorService executor;
    private final Debouncer debouncer;
    private final Duration endpointQuiet;
    private final PendingChanges pending = new PendingChanges();
    private final TableVersions versions = new TableVersions();

    // compile thread only
    private RoutingTable current;
    private Compilation last;
    private Set<String> servicesWithSlices = Set.of();
    private final SecretChecks secretChecks = new SecretChecks();
    private final IncrementalCompiler compiler = new IncrementalCompiler(secretChecks);

    // guarded by this
    private boolean synced;
    private boolean leading;
    private long term = -1;
    private RoutingTable published;
    private long fullCompilations;
    private long incrementalCompilations;
    private long fastPaths;
    private long unchanged;
    private long publishedCount;
    private final io.micrometer.core.instrument.Timer fullTimer;
    private final io.micrometer.core.instrument.Timer fastTimer;

    private TablePipeline(Builder b) {
        this.view = Objects.requireNonNull(b.view, "view");
        this.options = Objects.requireNonNull(b.options, "options");
        this.clock = b.clock;
        this.publisher = Objects.requireNonNull(b.publisher, "publisher");
        this.listener = b.listener;
        this.fullTimer = timer(b.meterRegistry, "full");
        this.fastTimer = timer(b.meterRegistry, "endpoints");
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "breakwater-compile");
            t.setDaemon(true);
            return t;
        });
        this.endpointQuiet = b.endpointQuiet.compareTo(b.maxWait) > 0 ? b.maxWait : b.endpointQuiet;
        this.debouncer = new Debouncer(b.quiet, b.maxWait, this::run,
                b.scheduler != null ? b.scheduler : Debouncer.Scheduler.of(executor),
                b.ticker != null ? b.ticker : System::nanoTime);
        if (!b.resync.isZero()) {
            long millis = b.resync.toMillis();
            executor.scheduleWithFixedDelay(() -> {
                pending.everything();
                debouncer.poke();
            }, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private static io.micrometer.core.instrument.Timer timer(io.micrometer.core.instrument.MeterRegistry registry,
                                                             String kind) {
        return registry == null ? null : io.micrometer.core.instrument.Timer
                .builder("breakwater.operator.compile.duration")
                .description("Compilations of the routing table: full, or the endpoint fast path (publishing excluded)")
                .tag("kind", kind).publishPercentileHistogram().register(registry);
    }

    private static void record(io.micrometer.core.instrument.Timer timer, long nanos) {
        if (timer != null) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void objectsChanged() {
        pending.everything();
        debouncer.poke();
    }

    @Override
    public void endpointSlicesChanged(String serviceKey) {
        pending.endpointSlices(serviceKey);
        debouncer.poke(endpointQuiet);
    }

    /** Every informer has synced: compiling may begin (once leading). */
    public synchronized void synced() {
        synced = true;
        if (leading) {
            debouncer.enable();
            debouncer.pokeNow();
        }
    }

    /** This replica leads from now on, in {@code term} (see {@link TableVersions}). */
    public synchronized void startLeading(long term) {
        versions.beginTerm(term);
        this.term = term;
        leading = true;
        published = null;
        pending.everything();
        if (synced) {
            debouncer.enable();
            debouncer.pokeNow();
        }
    }

    /** This replica no longer leads: nothing more is published (from the moment this returns). */
    public synchronized void stopLeading() {
        if (!leading) {
            return;
        }
        leading = false;
        debouncer.disable();
        try {
            publisher.withdraw();
        } catch (RuntimeException e) {
            LOG.warn("withdrawing from the data planes failed", e);
        }
    }

    public synchronized boolean leading() {
        return leading;
    }

    /** The table published last in this term (numbered), or null. */
    public synchronized RoutingTable published() {
        return published;
    }

    public synchronized Stats stats() {
        return new Stats(fullCompilations, fastPaths, unchanged, publishedCount,
                published == null ? 0 : published.version(), incrementalCompilations);
    }

    /**
     * Compiles the changes reported so far now, on the compile thread, and waits for the outcome (local mode's
     * reloads; the debounced runs go on as before).
     */
    public Run runNow() {
        try {
            return executor.submit((java.util.concurrent.Callable<Run>) this::run).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("compiling failed", e.getCause());
        }
    }

    private Run run() {
        PendingChanges.Batch batch = pending.drain();
        long runTerm;
        boolean fresh;
        synchronized (this) {
            if (!leading) {
                return new Run(Run.Outcome.NOTHING, 0, null);
            }
            runTerm = term;
            fresh = published == null;
        }
        if (batch.full() || fresh || current == null) {
            return full(runTerm);
        } else if (!batch.endpointServices().isEmpty()) {
            return fast(runTerm, batch.endpointServices());
        }
        return new Run(Run.Outcome.NOTHING, 0, null);
    }

    private Run full(long runTerm) {
        long started = System.nanoTime();
        ClusterSnapshot snapshot = view.snapshot();
        IncrementalCompiler.Result result = compiler.compile(snapshot,
                clock == null ? options : options.at(clock.instant()), current);
        Compilation compilation = result.compilation();
        long compiled = System.nanoTime();
        record(fullTimer, compiled - started);
        Set<String> withSlices = new HashSet<>();
        for (EndpointSlice slice : snapshot.endpointSlices()) {
            Map<String, String> labels = slice.getMetadata() == null ? null : slice.getMetadata().getLabels();
            String service = labels == null ? null : labels.get("kubernetes.io/service-name");
            if (service != null) {
                withSlices.add(slice.getMetadata().getNamespace() + "/" + service);
            }
        }
        servicesWithSlices = withSlices;
        last = compilation;
        synchronized (this) {
            fullCompilations++;
            if (result.kind() != IncrementalCompiler.Kind.FULL) {
                incrementalCompilations++;
            }
        }
        String how = switch (result.kind()) {
            case FULL -> "full compilation (" + result.reason() + ")";
            case INCREMENTAL -> "incremental compilation of " + result.objects() + " object(s)";
            case UNCHANGED -> "no object changed";
        };
        Run run = offer(runTerm, compilation.table(), how + ", compiled in "
                + TimeUnit.NANOSECONDS.toMillis(compiled - started) + " ms", started);
        if (listener != null && run.outcome() != Run.Outcome.NOTHING) {
            try {
                listener.compiled(snapshot, compilation, run.version());
            } catch (RuntimeException e) {
                LOG.error("a compilation listener failed", e);
            }
        }
        return run;
    }

    private Run fast(long runTerm, Set<String> services) {
        long started = System.nanoTime();
        List<Service> changed = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        for (String key : services) {
            int slash = key.indexOf('/');
            String namespace = key.substring(0, slash);
            String name = key.substring(slash + 1);
            List<EndpointSlice> now = view.endpointSlices(namespace, name);
            if (servicesWithSlices.contains(key) == now.isEmpty()) {
                LOG.debug("Service {} gained its first or lost its last EndpointSlice: full compilation", key);
                return full(runTerm);
            }
            Service service = view.service(namespace, name);
            if (service != null) {
                changed.add(service);
            }
            slices.addAll(now);
        }
        RoutingTable table = EndpointRefresh.refresh(current, services, changed, slices);
        if (table == null) {
            return full(runTerm);
        }
        record(fastTimer, System.nanoTime() - started);
        synchronized (this) {
            fastPaths++;
        }
        last = new Compilation(table, last.diagnostics(), last.routeStatuses(), last.gatewayApi());
        return offer(runTerm, table, "endpoints of " + services.size() + " Service(s), compiled in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms", started);
    }

    /** Publishes {@code table} unless it is the one served (NOTHING when not leading). */
    private Run offer(long runTerm, RoutingTable table, String how, long started) {
        current = table;
        synchronized (this) {
            if (!leading || term != runTerm) {
                return new Run(Run.Outcome.NOTHING, 0, null);
            }
            if (published != null && published.sameContentAs(table)) {
                unchanged++;
                LOG.debug("{}: table unchanged (v{})", how, TableVersions.describe(published.version()));
                return new Run(Run.Outcome.UNCHANGED, published.version(), null);
            }
            RoutingTable numbered = table.withVersion(versions.next());
            try {
                publisher.publish(numbered);
            } catch (RuntimeException e) {
                LOG.error("publishing table v{} failed; the next change tries again",
                        TableVersions.describe(numbered.version()), e);
                return new Run(Run.Outcome.FAILED, 0, String.valueOf(e.getMessage()));
            }
            published = numbered;
            publishedCount++;
            LOG.info("table v{} published ({}: {} µs; {} hosts, {} clusters)",
                    TableVersions.describe(numbered.version()), how,
                    TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started), numbered.virtualHosts().size(),
                    numbered.clusters().size());
            return new Run(Run.Outcome.PUBLISHED, numbered.version(), null);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            leading = false;
            debouncer.disable();
        }
        executor.shutdownNow();
    }

    /** Settings of a {@link TablePipeline}. */
    public static final class Builder {
        private ClusterView view;
        private CompilerOptions options = CompilerOptions.defaults();
        private Clock clock = Clock.systemUTC();
        private TablePublisher publisher;
        private CompilationListener listener;
        private Duration quiet = Duration.ofMillis(50);
        private Duration maxWait = Duration.ofMillis(500);
        private Duration endpointQuiet = Duration.ofMillis(10);
        private Duration resync = Duration.ZERO;
        private Debouncer.Scheduler scheduler;
        private java.util.function.LongSupplier ticker;

        private io.micrometer.core.instrument.MeterRegistry meterRegistry;

        private Builder() {
        }

        /**
         * Where {@code breakwater_operator_compile_duration_seconds{kind=full|endpoints}} is recorded (none when not
         * set): the time of each compilation, full or the endpoint fast path, publishing not included.
         */
        public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry value) {
            this.meterRegistry = value;
            return this;
        }

        /** Tests: time and the compile thread come from here instead of a thread of the pipeline's own. */
        Builder scheduler(Debouncer.Scheduler scheduler, java.util.function.LongSupplier ticker) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        public Builder view(ClusterView view) {
            this.view = Objects.requireNonNull(view, "view");
            return this;
        }

        /** The compiler's options; their {@code now} is replaced by the clock's time at each compilation. */
        public Builder options(CompilerOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** The clock certificates are checked against; null keeps the options' own {@code now}. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder publisher(TablePublisher publisher) {
            this.publisher = Objects.requireNonNull(publisher, "publisher");
            return this;
        }

        public Builder listener(CompilationListener listener) {
            this.listener = listener;
            return this;
        }

        /** Compile once no change came for {@code quiet}, at the latest {@code maxWait} after the first change. */
        public Builder debounce(Duration quiet, Duration maxWait) {
            if (quiet.isNegative() || maxWait.compareTo(quiet) < 0) {
                throw new IllegalArgumentException("quiet: " + quiet + ", maxWait: " + maxWait
                        + " (expected: 0 <= quiet <= maxWait)");
            }
            this.quiet = quiet;
            this.maxWait = maxWait;
            return this;
        }

        /**
         * The quiet period when only EndpointSlices changed (the fast path: cheap, and a Pod that became ready should
         * get traffic soon); at most the debounce's {@code maxWait}. A change of anything else keeps its own quiet.
         */
        public Builder endpointDebounce(Duration quiet) {
            if (quiet.isNegative()) {
                throw new IllegalArgumentException("endpointDebounce: " + quiet + " (expected: >= 0)");
            }
            this.endpointQuiet = quiet;
            return this;
        }

        /** A full compilation this often even without changes (certificates expire); zero for never. */
        public Builder resync(Duration resync) {
            if (resync.isNegative()) {
                throw new IllegalArgumentException("resync: " + resync + " (expected: >= 0)");
            }
            this.resync = resync;
            return this;
        }

        public TablePipeline build() {
            return new TablePipeline(this);
        }
    }
}
