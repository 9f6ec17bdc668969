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
 *
 * <p>The folder watch names the files that changed: only those are read again, and the reading is made from the one
 * before by putting their changed objects in place ({@link ManifestLoader#update}), so that neither reading nor
 * comparing costs in proportion to the folder. The whole folder is read when the watch lost events (OVERFLOW), and
 * when a file was added or removed or a file's documents name other objects than before. When the changed objects
 * are only EndpointSlices, they are applied after a shorter quiet period (the endpoint debounce, 10 ms by default):
 * the fast path is cheap, and a removed endpoint should stop getting requests soon.
 */
public final class LocalMode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalMode.class);

    /** The default quiet period of the folder watch: re-read once no file changed for this long. */
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(20);

    /**
     * The default quiet period after which changed files whose changes are EndpointSlices only are applied (as the
     * in-cluster operator's {@code --endpoint-debounce}); changes of anything else wait for the whole
     * {@link #DEFAULT_DEBOUNCE}.
     */
    public static final Duration DEFAULT_ENDPOINT_DEBOUNCE = Duration.ofMillis(10);

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

    /** Reads the whole folder, compiles and (if it changed) serves it now. */
    public Reload reload() {
        return reload(null, -1, false);
    }

    /** As {@link #reload()} after the changes the folder watch saw: only the files they name, unless it lost events. */
    Reload reload(FolderChanges changes) {
        return reload(changes.everything() ? null : changes.files(), -1, false);
    }

    /**
     * As {@link #reload()}, reading only {@code files} when it can ({@link ManifestLoader#update}; null: the whole
     * folder). With {@code endpointsOnly}, only if what changed in those files is EndpointSlices and nothing else:
     * otherwise nothing is done and null returned (the watch waits for the rest of the quiet period).
     * {@code noticedNanos} ({@link System#nanoTime()}, or -1) is when the folder watch saw the first change of this
     * reload, for the log line's "waited" (the quiet period and the watch's wake-up).
     */
    private synchronized Reload reload(java.util.Set<Path> files, long noticedNanos, boolean endpointsOnly) {
        long started = System.nanoTime();
        List<String> messages = new ArrayList<>();
        ManifestLoader.Update update = files == null || loaded == null ? null : loader.update(directory, files);
        if (update != null && update.base() != loaded) {
            update = null;
        }
        if (endpointsOnly && (update == null || !onlyEndpointSlices(update.replaced()))) {
            return null;
        }
        Manifests manifests;
        if (update != null) {
            loader.keep(update);
            manifests = update.manifests();
        } else {
            try {
                manifests = loader.load(directory);
            } catch (IOException e) {
                String m = directory + ": cannot read the folder: " + e.getMessage();
                report(messages, m);
                return new Reload(Outcome.REJECTED, version(), messages);
            }
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
        boolean changed = update != null ? tellPipeline(update.replaced()) : tellPipeline(loaded, manifests);
        if (!changed && lastFailed) {
            pipeline.objectsChanged();
            changed = true;
        }
        loaded = manifests;
        view.set(manifests, update == null ? null : update.replaced());
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

    /** True when {@code replaced} holds EndpointSlices and nothing else. */
    private static boolean onlyEndpointSlices(List<ManifestLoader.Replaced> replaced) {
        for (ManifestLoader.Replaced r : replaced) {
            if (!(r.before() instanceof EndpointSlice) || !(r.after() instanceof EndpointSlice)) {
                return false;
            }
        }
        return !replaced.isEmpty();
    }

    /**
     * As {@link #tellPipeline(Manifests, Manifests)}, from the objects an update replaced (each changed in content):
     * without looking at the others.
     */
    private boolean tellPipeline(List<ManifestLoader.Replaced> replaced) {
        if (!onlyEndpointSlices(replaced)) {
            if (replaced.isEmpty()) {
                return false;
            }
            pipeline.objectsChanged();
            return true;
        }
        java.util.Set<String> services = new java.util.TreeSet<>();
        for (ManifestLoader.Replaced r : replaced) {
            for (Object slice : List.of(r.before(), r.after())) {
                String key = FolderView.serviceKey((EndpointSlice) slice);
                if (key != null) {
                    services.add(key);
                }
            }
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

    /** How many files were read so far (not found unchanged by their stamps, nor left out as unchanged), for tests. */
    int filesRead() {
        return loader.filesRead();
    }

    /** The pipeline's counters: full compilations, fast paths, unchanged tables, tables published. */
    public TablePipeline.Stats stats() {
        return pipeline.stats();
    }

    /** {@link #watch(long, long)} with {@link #DEFAULT_DEBOUNCE} and {@link #DEFAULT_ENDPOINT_DEBOUNCE}. */
    public void watch() throws IOException {
        watch(DEFAULT_DEBOUNCE.toMillis(), DEFAULT_ENDPOINT_DEBOUNCE.toMillis());
    }

    /** {@link #watch(long, long)} with {@link #DEFAULT_ENDPOINT_DEBOUNCE} (at most {@code quietMillis}). */
    public void watch(long quietMillis) throws IOException {
        watch(quietMillis, Math.min(quietMillis, DEFAULT_ENDPOINT_DEBOUNCE.toMillis()));
    }

    /**
     * Watches the folder and reloads after changes, once no further change came for {@code quietMillis}
     * (and at the latest {@code 5 * quietMillis} after the first one); or once none came for
     * {@code endpointQuietMillis}, when what changed in the files named is EndpointSlices only (the fast path). An
     * endpoint quiet period not below {@code quietMillis} is the same as none.
     */
    public synchronized void watch(long quietMillis, long endpointQuietMillis) throws IOException {
        if (quietMillis < 0 || endpointQuietMillis < 0) {
            throw new IllegalArgumentException("quietMillis: " + quietMillis + ", endpointQuietMillis: "
                    + endpointQuietMillis + " (expected: >= 0)");
        }
        if (watcher != null) {
            throw new IllegalStateException("already watching");
        }
        watcher = FileSystems.getDefault().newWatchService();
        directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        WatchService w = watcher;
        watchThread = new Thread(() -> watchLoop(w, quietMillis, endpointQuietMillis), "breakwater-local-watch");
        watchThread.setDaemon(true);
        watchThread.start();
    }

    private void watchLoop(WatchService w, long quietMillis, long endpointQuietMillis) {
        try {
            while (true) {
                WatchKey key = w.take();
                long noticed = System.nanoTime();
                FolderChanges changes = new FolderChanges(directory);
                changes.take(key.pollEvents());
                key.reset();
                long deadline = noticed + TimeUnit.MILLISECONDS.toNanos(5 * quietMillis);
                long last = noticed;
                try {
                    if (endpointQuietMillis < quietMillis && !changes.everything()) {
                        // EndpointSlices only: applied after their own, shorter quiet period
                        last = quiet(w, changes, last, endpointQuietMillis, deadline);
                        if (!changes.everything() && reload(changes.files(), noticed, true) != null) {
                            continue;
                        }
                    }
                    // debounce: wait for a quiet period, bounded
                    quiet(w, changes, last, quietMillis, deadline);
                    reload(changes.everything() ? null : changes.files(), noticed, false);
                } catch (RuntimeException e) {
                    LOG.error("reloading {} failed; the last good table keeps serving", directory, e);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    /**
     * Waits until no event came for {@code quietMillis} since {@code last} (a {@link System#nanoTime()}), or until
     * {@code deadline}, taking the events that come into {@code changes}; returns when the last one came.
     */
    private static long quiet(WatchService w, FolderChanges changes, long last, long quietMillis, long deadline)
            throws InterruptedException {
        while (true) {
            long wait = Math.min(last + TimeUnit.MILLISECONDS.toNanos(quietMillis), deadline) - System.nanoTime();
            if (wait <= 0) {
                return last;
            }
            WatchKey more = w.poll(wait, TimeUnit.NANOSECONDS);
            if (more == null) {
                return last;
            }
            changes.take(more.pollEvents());
            more.reset();
            last = System.nanoTime();
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

        /**
         * Makes {@code m} the reading served; {@code replaced}, when not null, are the only objects in which it differs
         * from the reading before (an update), so only their entries of the indexes are made again.
         */
        void set(Manifests m, List<ManifestLoader.Replaced> replaced) {
            Manifests before = manifests;
            if (before != null && replaced != null && replace(replaced)) {
                manifests = m;
                return;
            }
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

        /**
         * Puts the Services and EndpointSlices of {@code replaced} in place of the ones before in the indexes; false
         * (and nothing changed) when a slice moved to another Service, for which the indexes are made again.
         */
        private boolean replace(List<ManifestLoader.Replaced> replaced) {
            Map<String, List<EndpointSlice>> slices = null;
            Map<String, Service> byName = null;
            for (ManifestLoader.Replaced r : replaced) {
                if (r.after() instanceof EndpointSlice now) {
                    EndpointSlice was = (EndpointSlice) r.before();
                    String key = serviceKey(now);
                    if (!Objects.equals(key, serviceKey(was))) {
                        return false;
                    }
                    if (key == null) {
                        continue;
                    }
                    if (slices == null) {
                        slices = new HashMap<>(slicesByService);
                    }
                    List<EndpointSlice> list = new ArrayList<>(slices.getOrDefault(key, List.of()));
                    int at = -1;
                    for (int i = 0; i < list.size(); i++) {
                        if (list.get(i) == was) {
                            at = i;
                            break;
                        }
                    }
                    if (at < 0) {
                        return false;
                    }
                    list.set(at, now);
                    slices.put(key, list);
                } else if (r.after() instanceof Service now) {
                    if (byName == null) {
                        byName = new HashMap<>(services);
                    }
                    String key = now.getMetadata().getNamespace() + "/" + now.getMetadata().getName();
                    if (byName.get(key) == r.before()) {
                        byName.put(key, now);
                    }
                }
            }
            if (slices != null) {
                slicesByService = slices;
            }
            if (byName != null) {
                services = byName;
            }
            return true;
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
