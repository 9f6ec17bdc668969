package dev.breakwater.dataplane.cache;

import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response cache's disk tier: one file per stored response in a directory of its own ({@link DiskEntryCodec}),
 * bounded by bytes (least recently used dropped first), indexed in memory, and read again when a data plane starts
 * on the same directory.
 *
 * <p>Every file operation runs on one thread of its own, in the order asked, never on an event loop: a write is
 * indexed at once (and answered from the response it holds until the file is written), a removal drops the index
 * entry at once and the file after the writes asked before it. A read whose file fails its checksum, is truncated
 * or unreadable drops the entry and its file and answers nothing.
 */
public final class DiskTier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DiskTier.class);
    private static final String SUFFIX = ".entry";

    /** One entry of the index: its file, its keys, its size; {@code pending} until the file is written. */
    public static final class Indexed {
        private final String file;
        private final CacheKey key;
        private final String secondary;
        private final List<String> vary;
        private long bytes;
        private volatile CachedResponse pending;
        private volatile boolean removed;

        Indexed(String file, CacheKey key, String secondary, List<String> vary, long bytes, CachedResponse pending) {
            this.file = file;
            this.key = key;
            this.secondary = secondary;
            this.vary = vary;
            this.bytes = bytes;
            this.pending = pending;
        }

        /** The response while its file is being written (served from memory), else null. */
        public CachedResponse pending() {
            return pending;
        }
    }

    private final DiskTierConfig config;
    private final Path dir;
    private final ExecutorService io;
    /** Guarded by itself; in order of use, the least recent first. */
    private final LinkedHashMap<String, Indexed> byFile = new LinkedHashMap<>(64, 0.75f, true);
    /** Guarded by {@link #byFile}. */
    private final Map<CacheKey, List<Indexed>> byKey = new HashMap<>();
    private long bytes;
    private final LongAdder reads = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    /** Opens the directory (made if missing) and indexes the entries in it: called off any event loop. */
    public DiskTier(DiskTierConfig config) {
        this.config = config;
        this.dir = config.directory();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("cache disk directory " + dir + ": " + e.getMessage(), e);
        }
        scan();
        this.io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cache-disk");
            t.setDaemon(true);
            return t;
        });
    }

    public DiskTierConfig config() {
        return config;
    }

    /** Indexes the entry files there, dropping leftovers of writes cut short and files that do not read. */
    private void scan() {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                found.add(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cache disk directory " + dir, e);
        }
        found.sort(null);
        for (Path p : found) {
            String name = p.getFileName().toString();
            if (!name.endsWith(SUFFIX)) {
                if (name.endsWith(".tmp")) {
                    delete(name);
                }
                continue;
            }
            try (InputStream in = Files.newInputStream(p)) {
                int metaLength = DiskEntryCodec.metaLength(in.readNBytes(DiskEntryCodec.HEAD_BYTES));
                byte[] metaBytes = in.readNBytes(metaLength);
                if (metaBytes.length != metaLength) {
                    throw new IOException("truncated meta part");
                }
                DiskEntryCodec.Meta meta = DiskEntryCodec.meta(metaBytes);
                long size = Files.size(p);
                if (size != meta.fileBytes()) {
                    throw new IOException(size + " bytes, expected " + meta.fileBytes());
                }
                if (!name.equals(fileName(meta.key(), meta.secondary()))) {
                    throw new IOException("keys of another file");
                }
                index(new Indexed(name, meta.key(), meta.secondary(), meta.vary(), size, null));
            } catch (IOException | RuntimeException e) {
                LOG.warn("cache disk: dropping {}: {}", p, e.getMessage());
                dropped.increment();
                delete(name);
            }
        }
        synchronized (byFile) {
            evictBeyondBound();
        }
    }

    /** The entry on disk for this request (its variant), or null. Cheap: the index only. */
    public Indexed find(CacheKey key, HttpHeaders request) {
        synchronized (byFile) {
            List<Indexed> variants = byKey.get(key);
            if (variants == null) {
                return null;
            }
            for (Indexed ix : variants) {
                if (ResponseCache.secondaryKey(ix.vary, request).equals(ix.secondary)) {
                    byFile.get(ix.file); // a use
                    return ix;
                }
            }
            return null;
        }
    }

    /**
     * Reads an entry on the disk thread; {@code done} runs there with the response, or null when the entry is gone
     * or its file does not check out (then the file is dropped).
     */
    public void read(Indexed ix, Consumer<CachedResponse> done) {
        io.execute(() -> {
            CachedResponse r = null;
            if (!ix.removed) {
                try {
                    r = DiskEntryCodec.decode(Files.readAllBytes(dir.resolve(ix.file)));
                    reads.increment();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("cache disk: dropping {} ({}): {}", ix.file, ix.key.url(), e.getMessage());
                    dropped.increment();
                    remove(ix);
                }
            }
            try {
                done.accept(r);
            } catch (RuntimeException e) {
                LOG.debug("cache disk: the reader of {} is gone: {}", ix.file, e.toString()); // its loop shut down
            }
        });
    }

    /** Stores a complete response on disk (replacing the entry of the same keys). */
    public void write(CacheKey key, String secondary, CachedResponse r) {
        if (r.partial() != null || r.weight() > config.maxBytes()) {
            return;
        }
        Indexed ix = new Indexed(fileName(key, secondary), key, secondary, r.vary(), r.weight(), r);
        synchronized (byFile) {
            index(ix);
            evictBeyondBound();
        }
        io.execute(() -> {
            if (ix.removed) {
                return;
            }
            byte[] file = DiskEntryCodec.encode(key, secondary, r);
            Path tmp = dir.resolve(ix.file + ".tmp");
            try {
                Files.write(tmp, file);
                Files.move(tmp, dir.resolve(ix.file), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                writes.increment();
            } catch (IOException e) {
                LOG.warn("cache disk: cannot write {}: {}", ix.file, e.getMessage());
                remove(ix);
                delete(ix.file + ".tmp");
                return;
            }
            synchronized (byFile) {
                bytes += file.length - ix.bytes;
                ix.bytes = file.length;
                evictBeyondBound();
            }
            ix.pending = null;
        });
    }

    /** Drops every variant of a key. */
    public void remove(CacheKey key) {
        removeWhere(key::equals);
    }

    /** Drops the entries whose primary key passes the test; returns those keys. */
    public List<CacheKey> removeWhere(Predicate<CacheKey> test) {
        List<Indexed> gone = new ArrayList<>();
        List<CacheKey> keys = new ArrayList<>();
        synchronized (byFile) {
            for (Iterator<Map.Entry<CacheKey, List<Indexed>>> it = byKey.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<CacheKey, List<Indexed>> e = it.next();
                if (test.test(e.getKey())) {
                    gone.addAll(e.getValue());
                    keys.add(e.getKey());
                }
            }
            for (Indexed ix : gone) {
                unindex(ix);
            }
        }
        for (Indexed ix : gone) {
            io.execute(() -> delete(ix.file));
        }
        return keys;
    }

    /** True when some entry is kept for the key (a cheap check before {@link #remove(CacheKey)}). */
    public boolean holds(CacheKey key) {
        synchronized (byFile) {
            return byKey.containsKey(key);
        }
    }

    private void remove(Indexed ix) {
        synchronized (byFile) {
            if (byFile.get(ix.file) == ix) {
                unindex(ix);
            }
        }
        delete(ix.file);
    }

    /** Under the lock. */
    private void index(Indexed ix) {
        Indexed old = byFile.put(ix.file, ix);
        if (old != null) {
            old.removed = true;
            bytes -= old.bytes;
            byKey.get(old.key).remove(old);
        }
        byKey.computeIfAbsent(ix.key, k -> new ArrayList<>(2)).add(ix);
        bytes += ix.bytes;
    }

    /** Under the lock. */
    private void unindex(Indexed ix) {
        ix.removed = true;
        byFile.remove(ix.file);
        bytes -= ix.bytes;
        List<Indexed> variants = byKey.get(ix.key);
        if (variants != null) {
            variants.remove(ix);
            if (variants.isEmpty()) {
                byKey.remove(ix.key);
            }
        }
    }

    /** Under the lock: drops the least recently used entries while the files take more than the bound. */
    private void evictBeyondBound() {
        Iterator<Indexed> it = byFile.values().iterator();
        while (bytes > config.maxBytes() && it.hasNext()) {
            Indexed ix = it.next();
            it.remove();
            ix.removed = true;
            bytes -= ix.bytes;
            List<Indexed> variants = byKey.get(ix.key);
            variants.remove(ix);
            if (variants.isEmpty()) {
                byKey.remove(ix.key);
            }
            if (io != null) {
                io.execute(() -> delete(ix.file));
            } else {
                delete(ix.file); // the scan at start, before the disk thread
            }
        }
    }

    private void delete(String name) {
        try {
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException e) {
            LOG.warn("cache disk: cannot delete {}: {}", name, e.getMessage());
        }
    }

    /** The file of one entry: a hash of its keys. */
    static String fileName(CacheKey key, String secondary) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String all = key.route() + '\0' + key.generation() + '\0' + key.scheme() + '\0' + key.host() + '\0'
                    + key.target() + '\0' + secondary;
            return HexFormat.of().formatHex(sha.digest(all.getBytes(StandardCharsets.UTF_8))) + SUFFIX;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes the entry files take (as indexed). */
    public long bytes() {
        synchronized (byFile) {
            return bytes;
        }
    }

    /** Entries (variants) indexed. */
    public int entries() {
        synchronized (byFile) {
            return byFile.size();
        }
    }

    /** Entries read back from disk, files written, entries dropped as unreadable, since start. */
    public long reads() {
        return reads.sum();
    }

    public long writes() {
        return writes.sum();
    }

    public long dropped() {
        return dropped.sum();
    }

    /** Finishes the writes asked so far, then stops the disk thread. */
    @Override
    public void close() {
        io.shutdown();
        try {
            if (!io.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("cache disk: writes still running after 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
