package dev.breakwater.operator.e2e;

import dev.breakwater.dataplane.testing.BackendProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One of the shaded jars run as its own process ({@code java -jar ...}), its output in a log file. */
final class JarProcess implements AutoCloseable {

    static final Path OPERATOR_JAR = Path.of("target", "breakwater-operator.jar").toAbsolutePath();
    static final Path DATAPLANE_JAR = Path.of("..", "dataplane", "target", "breakwater-dataplane.jar")
            .toAbsolutePath().normalize();

    /** Every process still running, killed if the test JVM itself stops without its {@code @AfterAll}. */
    private static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "e2e-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private JarProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code java -jar JAR ARGS} with small-heap flags, standard output and error into {@code log}. */
    static JarProcess start(String name, Path log, Map<String, String> env, Path jar, List<String> args)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the e2e tests run after `package` (mvn verify)");
        }
        List<String> command = new ArrayList<>(List.of(BackendProcess.javaBin(), "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", jar.toString()));
        command.addAll(args);
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        Files.writeString(log, "$ " + String.join(" ", command) + "\n");
        Process process = pb.start();
        RUNNING.add(process);
        process.onExit().thenRun(() -> RUNNING.remove(process));
        return new JarProcess(name, process, log);
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, once it has exited within {@code seconds}; null if it still runs. */
    Integer awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** SIGKILL ({@code kill -9}), and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + (process.isAlive() ? "" : ", exited") + ", log " + log + ")";
    }
}
