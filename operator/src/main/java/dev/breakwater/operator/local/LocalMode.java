package dev.breakwater.operator.local;

import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.publish.ClusterView;
import dev.breakwater.operator.publish.TablePipeline;
import dev.breakwater.operator.publish.TablePublisher;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import dev.breakwater.routing.RoutingTable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode: the compiler fed by a folder of manifests instead of a Kubernetes API server, each table it
 * compiles handed to a {@link TableSink}: a data plane in the same process ({@code breakwater local}), or the
 * push channel's table server ({@code breakwater serve-tables}). The folder is re-read when a file in it
 * changes (debounced); a folder whose manifests cannot all be read is reported and the last good table keeps
 * serving; a re-read that compiles to the table already served changes nothing.
 *
 * <p>Tables are made by the in-cluster operator's {@link TablePipeline}, fed with what changed between two readings
 * of the folder: a change of EndpointSlices only takes the endpoint fast path, anything else a full compilation
 * (whose Secrets and unchanged files are not read again: {@link ManifestLoader}, {@link
 * dev.breakwater.operator.compile.SecretChecks}).
 */
public final class LocalMode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalMode.class);

    /** The default quiet period of the folder watch: re-read once no file changed for this long. */
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(20);

    /** What one reading of the folder did. */
    public enum Outcome {
        /** A new table version is being served. */
        APPLIED,
        /** The manifests compile to the table already served. */
        UNCHANGED,
        /** Some manifests could not be read: the previous table keeps serving. */
        REJECTED
    }

    /** Where compiled tables go: {@code DataPlane::apply}, or {@code TableServer::publish}. */
    @FunctionalInterface
    public interface TableSink {
        /**
         * Serves (or publishes) a table with a version above the previous one.
         *
         * @throws IllegalArgumentException if the table is refused; the previous one stays current
         */
        void accept(RoutingTable table);
    }

    /** The outcome of a reload and every message it reported. */
    public record Reload(Outcome outcome, long version, List<String> messages) {
    }

    private final Path directory;
    private final Consumer<String> reporter;
    private final ManifestLoader loader = new ManifestLoader();
    private final FolderView view = new FolderView();
    private final TablePipeline pipeline;
    private Manifests loaded;
    private boolean everServed;
    /** The last table compiled was refused by the sink: the next reload compiles again, changed or not. */
    private boolean lastFailed;
    /** What the last full compilation reported, said again by a reload that changes nothing. */
    private volatile List<String> lastDiagnostics = List.of();
    private WatchService watcher;
    private Thread watchThread;

    /**
     * @param sink     receives each new table
     * @param reporter receives each problem as one line naming file, object, field and reason
     */
    public LocalMode(Path directory, TableSink sink, CompilerOptions options, Consumer<String> reporter) {
        this.directory = Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(options, "options");
        this.reporter = Objects.requireNonNull(reporter, "reporter");
        this.pipeline = TablePipeline.builder().view(view).options(options).clock(java.time.Clock.systemUTC())
                .publisher(new SinkPublisher(sink)).listener(this::compiled)
                // the folder watch debounces: a change is compiled as soon as the folder is read
                .debounce(Duration.ZERO, Duration.ofSeconds(1)).endpointDebounce(Duration.ZERO).build();
        // leading, but never "synced": the pipeline's own debouncer stays off, every run is a reload's (runNow)
        pipeline.startLeading(0);
    }

    /** Reads, compiles and (if it changed) serves the folder now. */
    public Reload reload() {
        return reload(-1);
    }

    /**
     * As {@link #reload()}; {@code noticedNanos} ({@link System#nanoTime()}, or -1) is when the folder watch saw the
     * first change of this reload, for the log line's "waited" (the quiet period and the watch's wake-up).
     */
    private synchronized Reload reload(long noticedNanos) {
        long started = System.nanoTime();
        List<String> messages = new ArrayList<>();
        Manifests manifests;
        try {
            manifests = loader.load(directory);
        } catch (IOException e) {
            String m = directory + ": cannot read the folder: " + e.getMessage();
            report(messages, m);
            return new Reload(Outcome.REJECTED, version(), messages);
        }
        for (ManifestError w : manifests.warnings()) {
            report(messages, "warning: " + w);
        }
        if (!manifests.errors().isEmpty()) {
            for (ManifestError e : manifests.errors()) {
                report(messages, "error: " + e);
            }
            report(messages, !everServed
                    ? "nothing is served until the manifests above are fixed"
                    : "still serving table v" + version() + " until the manifests above are fixed");
            return new Reload(Outcome.REJECTED, version(), messages);
        }
        long read = System.nanoTime();
        boolean changed = tellPipeline(loaded, manifests);
        if (!changed && lastFailed) {
            pipeline.objectsChanged();
            changed = true;
        }
        loaded = manifests;
        view.set(manifests);
        if (!changed) {
            lastDiagnostics.forEach(m -> report(messages, m));
            return new Reload(Outcome.UNCHANGED, version(), messages);
        }
        long compared = System.nanoTime();
        collecting = messages;
        TablePipeline.Run run;
        try {
            run = pipeline.runNow();
        } finally {
            collecting = null;
        }
        long done = System.nanoTime();
        lastFailed = run.outcome() == TablePipeline.Run.Outcome.FAILED;
        switch (run.outcome()) {
            case PUBLISHED -> {
                everServed = true;
                RoutingTable next = pipeline.published();
                long routes = next.virtualHosts().stream().mapToLong(v -> v.routes().size()).sum();
                // compared: what changed told to the pipeline, and the folder's index of Services and slices made
                LOG.info("table v{} from {}: {} hosts, {} routes, {} clusters ({}read in {} ms, compared in {} ms, "
                                + "compiled and handed over in {} ms)", next.version(), directory,
                        next.virtualHosts().size(), routes, next.clusters().size(), noticedNanos < 0 ? ""
                                : "waited " + TimeUnit.NANOSECONDS.toMillis(started - noticedNanos)
                                        + " ms after the first change noticed, ",
                        TimeUnit.NANOSECONDS.toMillis(read - started), TimeUnit.NANOSECONDS.toMillis(compared - read),
                        TimeUnit.NANOSECONDS.toMillis(done - compared));
                return new Reload(Outcome.APPLIED, next.version(), messages);
            }
            case FAILED -> {
                report(messages, "error: the compiled table was refused: " + run.problem());
                return new Reload(Outcome.REJECTED, version(), messages);
            }
            default -> {
                return new Reload(Outcome.UNCHANGED, version(), messages);
            }
        }
    }

    /** Messages of the reload running now (on the compile thread, while {@link #reload} waits), or null. */
    private volatile List<String> collecting;

    /** Reports a full compilation's diagnostics, each with the file of its object. */
    private void compiled(ClusterSnapshot snapshot, Compilation compilation, long version) {
        Manifests manifests = view.manifests();
        List<String> said = new ArrayList<>();
        for (Diagnostic d : compilation.diagnostics()) {
            Path file = manifests == null ? null : manifests.fileOfObject().get(d.object());
            said.add(d.severity().name().toLowerCase(java.util.Locale.ROOT) + ": "
                    + (file == null ? "" : file + ": ") + d);
        }
        lastDiagnostics = List.copyOf(said);
        List<String> messages = collecting;
        for (String m : said) {
            if (messages != null) {
                messages.add(m);
            }
            reporter.accept(m);
        }
    }

    /**
     * Tells the pipeline what changed from {@code before} to {@code after}: only EndpointSlices (the fast path, for
     * the Services they belong to), or anything else; false when nothing did.
     */
    private boolean tellPipeline(Manifests before, Manifests after) {
        if (before == null) {
            pipeline.objectsChanged();
            return true;
        }
        ClusterSnapshot a = before.snapshot();
        ClusterSnapshot b = after.snapshot();
        if (!same(a.ingresses(), b.ingresses()) || !same(a.ingressClasses(), b.ingressClasses())
                || !same(a.services(), b.services()) || !same(a.secrets(), b.secrets())
                || !same(a.routes(), b.routes()) || !same(a.configMaps(), b.configMaps())) {
            pipeline.objectsChanged();
            return true;
        }
        Map<String, EndpointSlice> old = byName(a.endpointSlices());
        Map<String, EndpointSlice> now = byName(b.endpointSlices());
        java.util.Set<String> services = new java.util.HashSet<>();
        for (Map.Entry<String, EndpointSlice> e : now.entrySet()) {
            EndpointSlice was = old.get(e.getKey());
            if (was != e.getValue() && !e.getValue().equals(was)) {
                services.add(FolderView.serviceKey(e.getValue()));
                if (was != null) {
                    services.add(FolderView.serviceKey(was));
                }
            }
        }
        for (Map.Entry<String, EndpointSlice> e : old.entrySet()) {
            if (!now.containsKey(e.getKey())) {
                services.add(FolderView.serviceKey(e.getValue()));
            }
        }
        services.remove(null);
        services = new java.util.TreeSet<>(services);
        if (a.endpointSlices().size() != b.endpointSlices().size() && services.isEmpty()) {
            pipeline.objectsChanged();
            return true;
        }
        services.forEach(pipeline::endpointSlicesChanged);
        return !services.isEmpty();
    }

    private static <T> boolean same(List<T> a, List<T> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i) && !a.get(i).equals(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, EndpointSlice> byName(List<EndpointSlice> slices) {
        Map<String, EndpointSlice> out = new HashMap<>();
        for (EndpointSlice s : slices) {
            out.put(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s);
        }
        return out;
    }

    private void report(List<String> messages, String message) {
        messages.add(message);
        reporter.accept(message);
    }

    /** The table version served now (0 before the first). */
    public long version() {
        RoutingTable published = pipeline.published();
        return published == null ? 0 : published.version();
    }

    /** The pipeline's counters: full compilations, fast paths, unchanged tables, tables published. */
    public TablePipeline.Stats stats() {
        return pipeline.stats();
    }

    /** Watches the folder with {@link #DEFAULT_DEBOUNCE}; see {@link #watch(long)}. */
    public void watch() throws IOException {
        watch(DEFAULT_DEBOUNCE.toMillis());
    }

    /**
     * Watches the folder and reloads after changes, once no further change came for {@code quietMillis}
     * (and at the latest {@code 5 * quietMillis} after the first one).
     */
    public synchronized void watch(long quietMillis) throws IOException {
        if (watcher != null) {
            throw new IllegalStateException("already watching");
        }
        watcher = FileSystems.getDefault().newWatchService();
        directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        WatchService w = watcher;
        watchThread = new Thread(() -> watchLoop(w, quietMillis), "breakwater-local-watch");
        watchThread.setDaemon(true);
        watchThread.start();
    }

    private void watchLoop(WatchService w, long quietMillis) {
        try {
            while (true) {
                WatchKey key = w.take();
                long noticed = System.nanoTime();
                key.pollEvents();
                key.reset();
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5 * quietMillis);
                // debounce: wait for a quiet period, bounded
                while (System.nanoTime() < deadline) {
                    WatchKey more = w.poll(quietMillis, TimeUnit.MILLISECONDS);
                    if (more == null) {
                        break;
                    }
                    more.pollEvents();
                    more.reset();
                }
                try {
                    reload(noticed);
                } catch (RuntimeException e) {
                    LOG.error("reloading {} failed; the last good table keeps serving", directory, e);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (watcher != null) {
            watcher.close();
            watchThread.interrupt();
            watcher = null;
        }
        pipeline.close();
    }

    /** The pipeline's view of the folder: the objects of its last good reading. */
    private static final class FolderView implements ClusterView {
        private volatile Manifests manifests;
        private volatile Map<String, List<EndpointSlice>> slicesByService = Map.of();
        private volatile Map<String, Service> services = Map.of();

        void set(Manifests m) {
            Manifests before = manifests;
            // each index is made again only when its objects are not the very ones of the last reading (a new host
            // leaves both as they were, an endpoint change the Services)
            if (before == null || !identical(before.snapshot().endpointSlices(), m.snapshot().endpointSlices())) {
                Map<String, List<EndpointSlice>> slices = new HashMap<>();
                for (EndpointSlice s : m.snapshot().endpointSlices()) {
                    String key = serviceKey(s);
                    if (key != null) {
                        slices.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
                    }
                }
                slicesByService = slices;
            }
            if (before == null || !identical(before.snapshot().services(), m.snapshot().services())) {
                Map<String, Service> byName = new HashMap<>();
                for (Service s : m.snapshot().services()) {
                    byName.putIfAbsent(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s);
                }
                services = byName;
            }
            manifests = m;
        }

        /** The same objects (by identity) in the same order. */
        private static <T> boolean identical(List<T> a, List<T> b) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i) != b.get(i)) {
                    return false;
                }
            }
            return true;
        }

        Manifests manifests() {
            return manifests;
        }

        /** {@code namespace/service} of a slice's {@code kubernetes.io/service-name} label, or null. */
        static String serviceKey(EndpointSlice slice) {
            Map<String, String> labels = slice.getMetadata().getLabels();
            String service = labels == null ? null : labels.get("kubernetes.io/service-name");
            return service == null ? null : slice.getMetadata().getNamespace() + "/" + service;
        }

        @Override
        public ClusterSnapshot snapshot() {
            return manifests.snapshot();
        }

        @Override
        public Service service(String namespace, String name) {
            return services.get(namespace + "/" + name);
        }

        @Override
        public List<EndpointSlice> endpointSlices(String namespace, String service) {
            return slicesByService.getOrDefault(namespace + "/" + service, List.of());
        }
    }

    /** The pipeline's publisher: the sink; a refusal ({@link IllegalArgumentException}) fails the publication. */
    private record SinkPublisher(TableSink sink) implements TablePublisher {
        @Override
        public void publish(RoutingTable table) {
            sink.accept(table);
        }

        @Override
        public Map<String, Long> ackedVersions() {
            return Map.of();
        }
    }
}
