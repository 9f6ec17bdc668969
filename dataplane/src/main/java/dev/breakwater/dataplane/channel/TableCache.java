package dev.breakwater.dataplane.channel;

import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableCodec;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * The last applied table on local disk, so that a restarted data plane serves before the operator answers.
 * The file holds the table's {@link TableCodec} JSON, private keys included, so it is written readable by its
 * owner only, and replaced atomically (a crash leaves the old file or the new one, never half of one).
 */
final class TableCache {

    private final Path file;

    TableCache(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    Path file() {
        return file;
    }

    /**
     * The cached table, or null when there is no file.
     *
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if it is not a table, or its content does not match its hash
     */
    RoutingTable load() throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        return TableCodec.decode(Files.readAllBytes(file));
    }

    /** Replaces the cached table with this JSON. */
    void store(byte[] tableJson) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // not a POSIX file system
        } catch (FileAlreadyExistsException e) {
            throw new IOException(tmp + " appeared while writing the table cache", e);
        }
        Files.write(tmp, tableJson);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
