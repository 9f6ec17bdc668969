package dev.breakwater.operator.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What the file system says of a file without reading it: size, modification time, status change time (where the
 * platform has one: {@code unix:ctime}, which no tool can set back) and file key (device and inode), and when this
 * was asked. {@link ManifestLoader} reads a file again only when its stamp changed, or when the stamp it compares
 * with was taken too soon after the file's last change to be trusted (see {@link #SETTLED}), as git does with its
 * index.
 *
 * @param takenMillis when the stamp was taken ({@link System#currentTimeMillis()})
 */
record FileStamp(long size, FileTime modified, FileTime changed, Object key, long takenMillis) {

    /**
     * How long after a file's last change a stamp must be taken to be trusted: longer than the coarsest time
     * granularity of common file systems (FAT keeps modification times to 2 seconds). A file rewritten within that
     * time keeps being read, and compared by content, until a stamp is taken later.
     */
    static final Duration SETTLED = Duration.ofSeconds(3);

    /** The stamp of {@code file} now, or null if it cannot be read (the file is then read, and fails as before). */
    static FileStamp of(Path file) {
        long now = System.currentTimeMillis();
        try {
            BasicFileAttributes basic = Files.readAttributes(file, BasicFileAttributes.class);
            FileTime changed = null;
            try {
                Map<String, Object> unix = Files.readAttributes(file, "unix:ctime");
                changed = (FileTime) unix.get("ctime");
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                // no status change time on this platform: size, modification time and key only
            }
            return new FileStamp(basic.size(), basic.lastModifiedTime(), changed, basic.fileKey(), now);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * True when {@code now} (a later stamp of the same path) says the file is the one this stamp was taken of: same
     * size, times and key, and this stamp taken at least {@code settled} (normally {@link #SETTLED}) after the
     * file's last change.
     */
    boolean unchangedAt(FileStamp now, Duration settled) {
        return size == now.size && modified.equals(now.modified) && Objects.equals(changed, now.changed)
                && key != null && key.equals(now.key) && settled(settled);
    }

    private boolean settled(Duration settled) {
        long last = modified.toMillis();
        if (changed != null) {
            last = Math.max(last, changed.toMillis());
        }
        return takenMillis - last >= settled.toMillis();
    }
}
