package dev.breakwater.dataplane.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link TestBackendMain} child process: a real backend that can be stopped ({@code SIGTERM}) or killed
 * ({@code SIGKILL}) like a pod. Its standard error goes to {@code target/backend-logs/NAME.log}.
 */
public final class BackendProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final int port;

    private BackendProcess(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    /** Starts a backend process and waits (up to 60 s) until it listens. */
    public static BackendProcess start(String name) throws IOException, InterruptedException {
        Path logs = Path.of("target", "backend-logs");
        Files.createDirectories(logs);
        // TCP_NODELAY on the JDK server's sockets: without it a response's body waits for the proxy's delayed ACK of its
        // head (up to 40 ms), a window in which a SIGKILL leaves a response half sent that could not be retried
        ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dsun.net.httpserver.nodelay=true", "-cp", System.getProperty("java.class.path"), TestBackendMain.class.getName(), name, "0");
        pb.redirectError(logs.resolve(name + ".log").toFile());
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String line = firstLine.get(60, TimeUnit.SECONDS);
            if (line == null) {
                throw new IllegalStateException("backend " + name + " exited before listening; see " + logs);
            }
            return new BackendProcess(name, p, Integer.parseInt(line.trim()));
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            p.destroyForcibly();
            throw new IllegalStateException("backend " + name + " did not start", e);
        }
    }

    /** The {@code java} launcher of the running JVM. */
    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, and waits for the process to end (SIGKILL after 10 s). */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            kill();
        }
    }

    /** SIGKILL, and waits for the process to end. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name + "(127.0.0.1:" + port + ", pid " + process.pid() + ")";
    }
}
