package dev.breakwater.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.kube.ShippedRbac;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real single-node cluster of {@code tools/kube-cluster-local.sh}, brought up for a test class and taken down
 * after it (unless {@code -Dcluster.keep=true}), with the images the build made loaded into its containerd. One
 * cluster per machine at a time: a file lock serialises test JVMs of several checkouts.
 */
final class LocalCluster implements AutoCloseable {

    static final String NODE_IP = "10.244.0.1";
    static final Path IMAGES = Path.of(System.getProperty("user.home"), ".cache/breakwater/images");

    final Path root;
    final Path kubeconfig;
    final KubernetesClient client;
    private final FileChannel lockFile;
    private final FileLock lock;

    private LocalCluster(Path root, Path kubeconfig, KubernetesClient client, FileChannel lockFile, FileLock lock) {
        this.root = root;
        this.kubeconfig = kubeconfig;
        this.client = client;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /** Why this machine cannot run the cluster, or null when it can. */
    static String cannotRun() throws Exception {
        Path root = ShippedRbac.projectRoot();
        Run can = run(root, Duration.ofMinutes(1), root.resolve("tools/kube-cluster-local.sh").toString(), "can-run");
        return can.code() == 0 ? null : can.output().strip();
    }

    static LocalCluster up() throws Exception {
        Path root = ShippedRbac.projectRoot();
        List<Path> images = List.of(root.resolve("operator/target/jib-image.tar"),
                root.resolve("dataplane/target/jib-image.tar"), IMAGES.resolve("backend.tar"));
        for (Path image : images) {
            assertThat(image).as("the images are made by tools/local-images.sh %s, then by the build's Jib "
                    + "(local-images profile, active when %s/jre.tar exists); .ci/run does both", IMAGES, IMAGES)
                    .isRegularFile();
        }
        FileChannel lockFile = FileChannel.open(Path.of("/var/tmp/breakwater-cluster.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = null;
        long until = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while ((lock = lockFile.tryLock()) == null) {
            if (System.nanoTime() > until) {
                lockFile.close();
                throw new IllegalStateException("another test JVM has held the cluster lock for 30 minutes");
            }
            Thread.sleep(2000);
        }
        String script = root.resolve("tools/kube-cluster-local.sh").toString();
        Run up = run(root, Duration.ofMinutes(10), script, "up");
        if (up.code() != 0) {
            run(root, Duration.ofMinutes(5), script, "down");
            lock.release();
            lockFile.close();
            throw new IllegalStateException("kube-cluster-local.sh up failed:\n" + up.output());
        }
        List<String> load = new ArrayList<>(List.of(script, "load"));
        images.forEach(p -> load.add(p.toString()));
        Run loaded = run(root, Duration.ofMinutes(5), load.toArray(String[]::new));
        assertThat(loaded.code()).as(loaded.output()).isZero();
        String[] lines = up.stdout().strip().split("\n");
        Path kubeconfig = Path.of(lines[lines.length - 1]);
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
        return new LocalCluster(root, kubeconfig, client, lockFile, lock);
    }

    /** kubectl with the cluster's admin kubeconfig; fails the test unless it exits 0. */
    String kubectl(Duration timeout, String... args) throws Exception {
        Run r = kubectlRun(timeout, args);
        assertThat(r.code()).as("kubectl %s:\n%s", String.join(" ", args), r.output()).isZero();
        return r.stdout();
    }

    Run kubectlRun(Duration timeout, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(kubectlPath(), "--kubeconfig", kubeconfig.toString()));
        cmd.addAll(List.of(args));
        return run(root, timeout, cmd.toArray(String[]::new));
    }

    /** kubectl apply -f - of YAML text. */
    void apply(String yaml) throws Exception {
        List<String> cmd = List.of(kubectlPath(), "--kubeconfig", kubeconfig.toString(), "apply", "-f", "-");
        Run r = runWithInput(root, Duration.ofMinutes(1), yaml, cmd.toArray(String[]::new));
        assertThat(r.code()).as("kubectl apply:\n%s\n%s", yaml, r.output()).isZero();
    }

    private static String kubectlPath() {
        return binDir().resolve("kubectl").toString();
    }

    static Path binDir() {
        String dir = System.getenv("KUBE_BIN_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        String base = System.getenv("KUBE_API_TEST_DIR");
        Path root = base == null || base.isBlank() ? Path.of(System.getProperty("user.home"), ".kubeapitest")
                : Path.of(base);
        return root.resolve("k8s/1.34.4-linux-amd64");
    }

    @Override
    public void close() throws Exception {
        try {
            client.close();
            if (!Boolean.getBoolean("cluster.keep")) {
                Run down = run(root, Duration.ofMinutes(5), root.resolve("tools/kube-cluster-local.sh").toString(),
                        "down");
                System.out.println(down.output());
            }
        } finally {
            lock.release();
            lockFile.close();
        }
    }

    record Run(int code, String stdout, String stderr) {
        String output() {
            return stdout + stderr;
        }
    }

    static Run run(Path dir, Duration timeout, String... cmd) throws Exception {
        return runWithInput(dir, timeout, null, cmd);
    }

    static Run runWithInput(Path dir, Duration timeout, String stdin, String... cmd) throws Exception {
        Path out = Files.createTempFile("cluster-run", ".out");
        Path err = Files.createTempFile("cluster-run", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putIfAbsent("KUBE_BIN_DIR", binDir().toString());
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return new Run(-1, Files.readString(out), Files.readString(err) + "\n(timed out after " + timeout + ")");
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temporary file
        }
    }
}
