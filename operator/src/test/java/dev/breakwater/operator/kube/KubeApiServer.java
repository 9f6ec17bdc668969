package dev.breakwater.operator.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real Kubernetes API server for tests: etcd and kube-apiserver v1.34 started by
 * {@code tools/kube-apiserver-local.sh} on 127.0.0.1, once per test run (shared by every class that uses this
 * extension, stopped when the run ends). Tests are skipped, saying why, only when the binaries are absent (CI
 * builds them first with {@code tools/kube-binaries.sh}); any other failure to start fails the tests.
 *
 * <p>No controllers run: nothing turns Pods into EndpointSlices or schedules anything, so tests write
 * EndpointSlices, Nodes and statuses themselves.
 */
public final class KubeApiServer implements ExecutionCondition, BeforeAllCallback, ParameterResolver {

    public static final String VERSION = "1.34.4";

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(KubeApiServer.class);

    /** The started server. */
    public static final class Server implements AutoCloseable {
        private final Path script;
        private final Path dir;
        private final Path binDir;
        private final Path kubeconfig;

        Server(Path script, Path dir, Path binDir, Path kubeconfig) {
            this.script = script;
            this.dir = dir;
            this.binDir = binDir;
            this.kubeconfig = kubeconfig;
        }

        public Path kubeconfig() {
            return kubeconfig;
        }

        /** The server's URL, {@code https://127.0.0.1:PORT}. */
        public String url() {
            return config().getMasterUrl();
        }

        /** A client connected as the admin (system:masters). */
        public KubernetesClient adminClient() {
            return new KubernetesClientBuilder().withConfig(config()).build();
        }

        /**
         * A client acting as ServiceAccount {@code namespace/name} (impersonated by the admin), so that tests run
         * with exactly the RBAC granted to it.
         */
        public KubernetesClient serviceAccountClient(String namespace, String name) {
            return serviceAccountClient(namespace, name, null);
        }

        /** As {@link #serviceAccountClient(String, String)}, through {@code url} (a proxy in front of the server). */
        public KubernetesClient serviceAccountClient(String namespace, String name, String url) {
            Config config = config();
            if (url != null) {
                config.setMasterUrl(url);
            }
            config.setImpersonateUsername("system:serviceaccount:" + namespace + ":" + name);
            config.setImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + namespace,
                    "system:authenticated");
            return new KubernetesClientBuilder().withConfig(config).build();
        }

        public Config config() {
            try {
                Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
                config.setRequestTimeout(30_000);
                return config;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws Exception {
            run(script, List.of("stop", dir.toString()), binDir, 60);
        }
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (binaries() != null) {
            return ConditionEvaluationResult.enabled("kube-apiserver binaries found");
        }
        String why = "SKIPPED: no kube-apiserver, etcd and kubectl " + VERSION + " binaries in " + defaultBinDir()
                + " (nor in $KUBE_BIN_DIR); run tools/kube-binaries.sh to build them (CI does)";
        if (context.getTestMethod().isEmpty()) {
            System.err.println(context.getDisplayName() + ": " + why);
        }
        return ConditionEvaluationResult.disabled(why);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Server.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            return server(context);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Server server(ExtensionContext context) throws Exception {
        ExtensionContext.Store store = context.getRoot().getStore(STORE);
        Server server = store.get("server", Server.class);
        if (server != null) {
            return server;
        }
        synchronized (KubeApiServer.class) {
            server = store.get("server", Server.class);
            if (server == null) {
                server = start();
                store.put("server", server);
            }
            return server;
        }
    }

    private static Server start() throws Exception {
        Path binDir = binaries();
        Assumptions.assumeTrue(binDir != null, () -> "no kube-apiserver, etcd and kubectl " + VERSION
                + " binaries in " + defaultBinDir() + " (nor in $KUBE_BIN_DIR): run tools/kube-binaries.sh to build "
                + "them (CI does); the tests against a real API server are skipped");
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isExecutable(root.resolve("tools/kube-apiserver-local.sh"))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new IllegalStateException("tools/kube-apiserver-local.sh not found above " + Path.of("").toAbsolutePath());
        }
        Path script = root.resolve("tools/kube-apiserver-local.sh");
        for (int attempt = 1; ; attempt++) {
            Path dir = Files.createTempDirectory("breakwater-kube-");
            try {
                String out = run(script, List.of("start", dir.toString()), binDir, 180);
                Path kubeconfig = Path.of(out.strip().lines().reduce((a, b) -> b).orElseThrow());
                return new Server(script, dir, binDir, kubeconfig);
            } catch (IllegalStateException e) {
                // the script picks free ports, and something else (another test run) may take one before the
                // server binds it: try again on other ports
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("address already in use")) {
                    throw e;
                }
            }
        }
    }

    private static Path defaultBinDir() {
        String base = System.getenv("KUBE_API_TEST_DIR");
        Path dir = base != null ? Path.of(base) : Path.of(System.getProperty("user.home"), ".kubeapitest");
        return dir.resolve("k8s").resolve(VERSION + "-linux-amd64");
    }

    private static Path binaries() {
        String env = System.getenv("KUBE_BIN_DIR");
        for (Path dir : env != null ? List.of(Path.of(env), defaultBinDir()) : List.of(defaultBinDir())) {
            if (List.of("etcd", "kube-apiserver", "kubectl").stream().allMatch(b -> Files.isExecutable(dir.resolve(b)))) {
                return dir;
            }
        }
        return null;
    }

    private static String run(Path script, List<String> args, Path binDir, int timeoutSeconds) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(script.toString());
        command.addAll(args);
        Path log = Files.createTempFile("kube-apiserver-local", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
        pb.environment().put("KUBE_BIN_DIR", binDir.toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish within " + timeoutSeconds + " s: "
                    + Files.readString(log));
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed (exit " + p.exitValue() + "): " + Files.readString(log));
        }
        Files.deleteIfExists(log);
        return new String(out, StandardCharsets.UTF_8);
    }
}
