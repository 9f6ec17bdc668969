package dev.breakwater.dataplane.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy ({@code /usr/sbin/haproxy}) in the foreground with a configuration written by the test, stopped at
 * close. Tests skip, saying why, where it is absent ({@link #available}).
 */
public final class HaproxyProcess implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/haproxy");

    private final Process process;
    private final Path config;

    private HaproxyProcess(Process process, Path config) {
        this.process = process;
        this.config = config;
    }

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Starts HAProxy with {@code sections} after a {@code global} and {@code defaults} section (timeouts of 30 s),
     * and waits until every port in {@code ports} accepts connections.
     */
    public static HaproxyProcess start(String sections, int... ports) throws IOException, InterruptedException {
        Path config = Files.createTempFile("haproxy", ".cfg");
        Files.writeString(config, "global\n    maxconn 200\n\ndefaults\n    timeout connect 5s\n"
                + "    timeout client 30s\n    timeout server 30s\n\n" + sections + "\n", StandardCharsets.UTF_8);
        Path log = Files.createTempFile("haproxy", ".log");
        Process p = new ProcessBuilder(BINARY.toString(), "-db", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HaproxyProcess h = new HaproxyProcess(p, config);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int port : ports) {
            while (true) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    break;
                } catch (IOException e) {
                    if (!p.isAlive() || System.nanoTime() > deadline) {
                        h.close();
                        throw new IOException("haproxy did not listen on " + port + ": "
                                + Files.readString(log, StandardCharsets.UTF_8));
                    }
                    Thread.sleep(50);
                }
            }
        }
        return h;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        try {
            Files.deleteIfExists(config);
        } catch (IOException ignored) {
            // a temporary file
        }
    }
}
