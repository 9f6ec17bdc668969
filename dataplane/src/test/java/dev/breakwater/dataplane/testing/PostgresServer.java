package dev.breakwater.dataplane.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL 15 server ({@code /usr/lib/postgresql/15/bin}) in a new temporary cluster, listening on
 * 127.0.0.1 with trust authentication; stopped and removed at close. PostgreSQL refuses to run as root, so as root
 * it runs as the {@code postgres} user ({@code runuser}). {@link #unavailableReason} says why it cannot run here.
 */
public final class PostgresServer implements AutoCloseable {

    public static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final Path dir;
    private final int port;
    private final Process process;
    private final boolean asPostgres;

    private PostgresServer(Path dir, int port, Process process, boolean asPostgres) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.asPostgres = asPostgres;
    }

    /** Why the server cannot run on this machine, or null when it can. */
    public static String unavailableReason() {
        if (!Files.isExecutable(BIN.resolve("postgres")) || !Files.isExecutable(BIN.resolve("initdb"))) {
            return "PostgreSQL 15 is not installed at " + BIN + " (apt-get install postgresql)";
        }
        if (!Files.isExecutable(Path.of("/usr/bin/psql"))) {
            return "psql is not installed (apt-get install postgresql-client)";
        }
        if (isRoot() && !Files.isExecutable(Path.of("/usr/sbin/runuser"))) {
            return "running as root without runuser to become postgres";
        }
        return null;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    public static PostgresServer start() throws IOException, InterruptedException {
        boolean asPostgres = isRoot();
        Path dir = Files.createTempDirectory("bw-pg");
        int port = FreePorts.tcp();
        if (asPostgres) {
            run(List.of("chown", "postgres:postgres", dir.toString()), false);
        }
        run(List.of(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
                "-A", "trust", "--no-sync"), asPostgres);
        List<String> cmd = command(List.of(BIN.resolve("postgres").toString(), "-D", dir.resolve("data").toString(),
                "-p", Integer.toString(port), "-h", "127.0.0.1", "-k", dir.toString(), "-F"), asPostgres);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("postgres.log").toFile()).start();
        PostgresServer server = new PostgresServer(dir, port, p, asPostgres);
        // ready once it accepts sessions: its port is open a while before that ("the database system is starting up")
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!accepting(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                server.close();
                throw new IOException("postgres did not start");
            }
            Thread.sleep(100);
        }
        return server;
    }

    /** True when the server on {@code port} accepts sessions ({@code pg_isready} exits 0). */
    private static boolean accepting(int port) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(BIN.resolve("pg_isready").toString(), "-q", "-h", "127.0.0.1", "-p",
                Integer.toString(port)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor() == 0;
    }

    public int port() {
        return port;
    }

    /** Runs {@code psql -At -c SQL} against {@code port} of 127.0.0.1; its output, trimmed, or the error. */
    public static String psql(int port, String sql) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("psql", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres",
                "-d", "postgres", "-At", "-c", sql).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out;
    }

    private static List<String> command(List<String> cmd, boolean asPostgres) {
        if (!asPostgres) {
            return cmd;
        }
        List<String> all = new ArrayList<>(List.of("/usr/sbin/runuser", "-u", "postgres", "--"));
        all.addAll(cmd);
        return all;
    }

    private static void run(List<String> cmd, boolean asPostgres) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(cmd, asPostgres)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
