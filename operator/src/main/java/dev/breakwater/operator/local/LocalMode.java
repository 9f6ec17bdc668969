package dev.breakwater.operator.local;

import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.compile.Compiler;
import dev.breakwater.operator.compile.SecretChecks;
import dev.breakwater.routing.RoutingTable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Instant;
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
 */
public final class LocalMode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalMode.class);

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
    private final TableSink sink;
    private final CompilerOptions options;
    private final Consumer<String> reporter;
    private final ManifestLoader loader = new ManifestLoader();
    private final SecretChecks secretChecks = new SecretChecks();
    private long version;
    private RoutingTable served;
    private WatchService watcher;
    private Thread watchThread;

    /**
     * @param sink     receives each new table
     * @param reporter receives each problem as one line naming file, object, field and reason
     */
    public LocalMode(Path directory, TableSink sink, CompilerOptions options, Consumer<String> reporter) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.options = Objects.requireNonNull(options, "options");
        this.reporter = Objects.requireNonNull(reporter, "reporter");
    }

    /** Reads, compiles and (if it changed) serves the folder now. */
    public synchronized Reload reload() {
        long started = System.nanoTime();
        List<String> messages = new ArrayList<>();
        Manifests manifests;
        try {
            manifests = loader.load(directory);
        } catch (IOException e) {
            String m = directory + ": cannot read the folder: " + e.getMessage();
            report(messages, m);
            return new Reload(Outcome.REJECTED, version, messages);
        }
        for (ManifestError w : manifests.warnings()) {
            report(messages, "warning: " + w);
        }
        if (!manifests.errors().isEmpty()) {
            for (ManifestError e : manifests.errors()) {
                report(messages, "error: " + e);
            }
            report(messages, served == null
                    ? "nothing is served until the manifests above are fixed"
                    : "still serving table v" + version + " until the manifests above are fixed");
            return new Reload(Outcome.REJECTED, version, messages);
        }
        long read = System.nanoTime();
        Compilation compilation = Compiler.compile(manifests.snapshot(), options.at(Instant.now()), served,
                secretChecks);
        for (Diagnostic d : compilation.diagnostics()) {
            Path file = manifests.fileOfObject().get(d.object());
            report(messages, d.severity().name().toLowerCase(java.util.Locale.ROOT) + ": "
                    + (file == null ? "" : file + ": ") + d);
        }
        long compiled = System.nanoTime();
        RoutingTable table = compilation.table();
        if (served != null && served.sameContentAs(table)) {
            return new Reload(Outcome.UNCHANGED, version, messages);
        }
        RoutingTable next = table.withVersion(version + 1);
        try {
            sink.accept(next);
        } catch (IllegalArgumentException e) {
            report(messages, "error: the compiled table was refused: " + e.getMessage());
            return new Reload(Outcome.REJECTED, version, messages);
        }
        version = next.version();
        served = next;
        long routes = next.virtualHosts().stream().mapToLong(v -> v.routes().size()).sum();
        long done = System.nanoTime();
        LOG.info("table v{} from {}: {} hosts, {} routes, {} clusters (read in {} ms, compiled in {} ms, handed over "
                        + "in {} ms)", version, directory, next.virtualHosts().size(), routes, next.clusters().size(),
                TimeUnit.NANOSECONDS.toMillis(read - started), TimeUnit.NANOSECONDS.toMillis(compiled - read),
                TimeUnit.NANOSECONDS.toMillis(done - compiled));
        return new Reload(Outcome.APPLIED, version, messages);
    }

    private void report(List<String> messages, String message) {
        messages.add(message);
        reporter.accept(message);
    }

    /** The table version served now (0 before the first). */
    public synchronized long version() {
        return version;
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
                    reload();
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
    }
}
