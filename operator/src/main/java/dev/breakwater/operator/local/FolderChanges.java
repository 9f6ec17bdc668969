package dev.breakwater.operator.local;

import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the folder watch saw before one reload: the files its events named, or "everything" when it lost events (an
 * {@link StandardWatchEventKinds#OVERFLOW OVERFLOW}: the kernel's queue was full, or the JDK's list of a key's events
 * was), after which only a reading of the whole folder can tell what changed.
 */
final class FolderChanges {

    private final Path directory;
    private final Set<Path> files = new HashSet<>();
    private boolean everything;

    FolderChanges(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** Takes the events of one watch key (of {@code directory}). */
    void take(List<WatchEvent<?>> events) {
        for (WatchEvent<?> event : events) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW || !(event.context() instanceof Path name)) {
                everything = true;
            } else {
                files.add(directory.resolve(name));
            }
        }
    }

    /** True when events were lost: the folder must be read whole. */
    boolean everything() {
        return everything;
    }

    /** The files named so far (meaningless once {@link #everything()}). */
    Set<Path> files() {
        return Collections.unmodifiableSet(files);
    }
}
