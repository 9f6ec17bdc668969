package dev.breakwater.operator.chart;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real kube-apiserver (with etcd, no controllers, no nodes) on 127.0.0.1, started by
 * {@code tools/kube-apiserver-local.sh} in a temporary folder, once per test JVM, and stopped when the JVM's tests
 * are done. Test methods (and {@code @BeforeAll} methods) get a {@link Cluster}. When the binaries are not
 * installed (CI builds them with {@code tools/kube-binaries.sh}) the tests are skipped, saying so; they are never
 * built from here.
 */
final class KubeApiServer implements ExecutionCondition, ParameterResolver {

    static final String VERSION = "1.34.4";
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(KubeApiServer.class);

    /** The running API server: its kubeconfig, an admin client and the kubectl of the same release. */
    record Cluster(Path kubeconfig, KubernetesClient client, Path kubectl) {

        /** The CA that signed the API server's serving certificate. */
        Path caCertificate() {
            return kubeconfig.resolveSibling("ca.crt");
        }

        /** Runs kubectl with this cluster's kubeconfig; its exit code and output (both streams). */
        Result kubectl(String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString()));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish in 120 s");
            }
            return new Result(p.exitValue(), out);
        }
    }

    record Result(int exitCode, String output) {
    }

    /** Skips the tests, saying why, when a binary is missing. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        List<String> missing = missing();
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("kube-apiserver binaries in " + binaries());
        }
        String reason = "skipped: no " + String.join(", ", missing) + " in " + binaries() + " (a real API server "
                + VERSION + " is needed; tools/kube-binaries.sh builds it, as .ci/run does)";
        System.err.println(context.getDisplayName() + ": " + reason);
        return ConditionEvaluationResult.disabled(reason);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Cluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context).cluster;
    }

    private static Server server(ExtensionContext context) {
        Path bin = binaries();
        return context.getRoot().getStore(STORE).computeIfAbsent(Server.class, k -> Server.start(bin), Server.class);
    }

    private static List<String> missing() {
        Path bin = binaries();
        return Stream.of("etcd", "kube-apiserver", "kubectl").filter(b -> !Files.isExecutable(bin.resolve(b))).toList();
    }

    /** KUBE_BIN_DIR, else where kube-binaries.sh installs (kube-api-test's convention). */
    static Path binaries() {
        String dir = System.getenv("KUBE_BIN_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        String base = System.getenv("KUBE_API_TEST_DIR");
        Path root = base == null || base.isBlank() ? Path.of(System.getProperty("user.home"), ".kubeapitest")
                : Path.of(base);
        return root.resolve("k8s").resolve(VERSION + "-linux-amd64");
    }

    private static final class Server implements AutoCloseable {

        private static final Path SCRIPT = Path.of("..", "tools", "kube-apiserver-local.sh").toAbsolutePath()
                .normalize();

        final Path dir;
        final Cluster cluster;

        private Server(Path dir, Cluster cluster) {
            this.dir = dir;
            this.cluster = cluster;
        }

        /**
         * Starts etcd and the API server; tries again (up to three times) when a start fails, as one does when
         * another test run on the machine takes a port between the script's choice and its use.
         */
        static Server start(Path bin) {
            IllegalStateException last = null;
            for (int attempt = 1; attempt <= 3; attempt++) {
                try {
                    return startOnce(bin);
                } catch (IllegalStateException e) {
                    last = e;
                }
            }
            throw last;
        }

        private static Server startOnce(Path bin) {
            Path dir = null;
            try {
                dir = Files.createTempDirectory("breakwater-kube-apiserver");
                ProcessBuilder start = new ProcessBuilder(SCRIPT.toString(), "start", dir.toString())
                        .redirectError(dir.resolve("start.log").toFile());
                start.environment().put("KUBE_BIN_DIR", bin.toString());
                Process p = start.start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!p.waitFor(150, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IllegalStateException("tools/kube-apiserver-local.sh start failed:\n"
                            + Files.readString(dir.resolve("start.log")));
                }
                Path kubeconfig = Path.of(out);
                Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
                config.setRequestTimeout((int) Duration.ofSeconds(30).toMillis());
                KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
                return new Server(dir, new Cluster(kubeconfig, client, bin.resolve("kubectl")));
            } catch (IOException e) {
                stop(dir);
                throw new IllegalStateException("cannot start the API server: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop(dir);
                throw new IllegalStateException("interrupted while starting the API server", e);
            } catch (RuntimeException e) {
                stop(dir);
                throw e;
            }
        }

        @Override
        public void close() {
            cluster.client().close();
            stop(dir);
        }

        private static void stop(Path dir) {
            if (dir == null) {
                return;
            }
            try {
                Process p = new ProcessBuilder(SCRIPT.toString(), "stop", dir.toString()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                p.waitFor(30, TimeUnit.SECONDS);
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            } catch (IOException e) {
                // a temporary folder left behind
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
