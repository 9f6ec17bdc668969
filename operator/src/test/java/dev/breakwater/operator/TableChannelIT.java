package dev.breakwater.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.BackendProcess;
import dev.breakwater.dataplane.testing.TestBackend;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push channel between real processes, as in a cluster: {@code breakwater credentials} writes the channel's
 * PEM files, {@code breakwater serve-tables} compiles a folder of manifests and publishes it, and a data plane
 * ({@code java -jar breakwater-dataplane.jar --operator ...}) serves what it is sent. The operator is killed with
 * SIGKILL and started again while traffic flows.
 */
class TableChannelIT {

    private static final Path OPERATOR_JAR = Path.of("target", "breakwater-operator.jar").toAbsolutePath();
    private static final Path DATAPLANE_JAR = Path.of("..", "dataplane", "target", "breakwater-dataplane.jar")
            .toAbsolutePath().normalize();
    private static final String HOST = "site.example.com";

    @TempDir
    Path tmp;
    private final List<Process> processes = new ArrayList<>();
    private final List<TestBackend> backends = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(20, TimeUnit.SECONDS);
        }
        backends.forEach(TestBackend::close);
    }

    @Test
    void tablesReachADataPlaneProcessWhichKeepsServingWhileTheOperatorIsKilledAndRestarted() throws Exception {
        TestBackend web = backend("web");
        TestBackend api = backend("api");
        Path creds = tmp.resolve("creds");
        Process credentials = start(tmp.resolve("credentials.log"), OPERATOR_JAR, "credentials", creds.toString());
        assertThat(credentials.waitFor(60, TimeUnit.SECONDS)).as("credentials written").isTrue();
        assertThat(credentials.exitValue()).as(Files.readString(tmp.resolve("credentials.log"))).isZero();
        Path manifests = Files.createDirectory(tmp.resolve("manifests"));
        Files.writeString(manifests.resolve("services.yaml"), service("web", web.port()) + "---\n"
                + service("api", api.port()));
        Files.writeString(manifests.resolve("ingress.yaml"), ingress("web"));
        int channelPort = freePort();
        int httpPort = freePort();
        int adminPort = freePort();

        Path operatorLog = tmp.resolve("operator-1.log");
        Process operator = startOperator(operatorLog, manifests, creds, channelPort);
        awaitLog(operatorLog, operator, "publishing the tables of");
        Process dataPlane = start(tmp.resolve("dataplane.log"), DATAPLANE_JAR,
                "--operator", "127.0.0.1:" + channelPort,
                "--channel-ca", creds.resolve("ca.crt").toString(),
                "--channel-cert", creds.resolve("client.crt").toString(),
                "--channel-key", creds.resolve("client.key").toString(),
                "--table-cache", tmp.resolve("table-cache.json").toString(),
                "--bind", "127.0.0.1", "--http-port", Integer.toString(httpPort), "--https-port", "-1",
                "--admin-port", Integer.toString(adminPort), "--workers", "1",
                "--shutdown-grace", "0s", "--shutdown-timeout", "5s");

        await("the data plane is ready", dataPlane, () -> status("http://127.0.0.1:" + adminPort + "/readyz") == 200);
        assertThat(backendAt(httpPort)).isEqualTo("web");
        awaitLog(operatorLog, operator, "it-node/it-pod serves v1");

        Files.writeString(manifests.resolve("ingress.yaml"), ingress("api"));
        await("the changed manifest is served", dataPlane, () -> "api".equals(backendAt(httpPort)));
        awaitLog(operatorLog, operator, "it-node/it-pod serves v2");

        operator.destroyForcibly(); // SIGKILL
        assertThat(operator.waitFor(20, TimeUnit.SECONDS)).isTrue();
        List<String> whileGone = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            whileGone.add(backendAt(httpPort));
        }
        assertThat(whileGone).as("served without the operator").containsOnly("api");
        assertThat(status("http://127.0.0.1:" + adminPort + "/readyz")).isEqualTo(200);

        Path restartedLog = tmp.resolve("operator-2.log");
        Process restarted = startOperator(restartedLog, manifests, creds, channelPort);
        // the restarted operator's v1 has the content the data plane serves: it counts as served, not resent
        awaitLog(restartedLog, restarted, "it-node/it-pod serves v1");
        assertThat(backendAt(httpPort)).isEqualTo("api");
        Files.writeString(manifests.resolve("ingress.yaml"), ingress("web"));
        await("a change after the restart is served", dataPlane, () -> "web".equals(backendAt(httpPort)));
        awaitLog(restartedLog, restarted, "it-node/it-pod serves v2");
        assertThat(Files.readString(tmp.resolve("dataplane.log"))).contains("connected to 127.0.0.1:" + channelPort);
    }

    private TestBackend backend(String name) {
        TestBackend b = TestBackend.start(name);
        backends.add(b);
        return b;
    }

    private Process startOperator(Path log, Path manifests, Path creds, int port) throws IOException {
        return start(log, OPERATOR_JAR, "serve-tables", manifests.toString(), "--bind", "127.0.0.1",
                "--port", Integer.toString(port),
                "--channel-ca", creds.resolve("ca.crt").toString(),
                "--channel-cert", creds.resolve("server.crt").toString(),
                "--channel-key", creds.resolve("server.key").toString());
    }

    private Process start(Path log, Path jar, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(BackendProcess.javaBin(), "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("NODE_NAME", "it-node");
        pb.environment().put("POD_NAME", "it-pod");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static String service(String name, int port) {
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: %1$s}
                spec:
                  ports: [{name: http, port: 80}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: %1$s-1, labels: {kubernetes.io/service-name: %1$s}}
                addressType: IPv4
                ports: [{name: http, port: %2$d}]
                endpoints: [{addresses: ["127.0.0.1"]}]
                """.formatted(name, port);
    }

    private static String ingress(String service) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: site}
                spec:
                  rules:
                  - host: %s
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: %s, port: {number: 80}}}}
                """.formatted(HOST, service);
    }

    private String backendAt(int port) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .header("Host", HOST).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.headers().firstValue("x-backend").orElse("status " + r.statusCode());
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void await(String what, Process process, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("not within 90 s: " + what + (process.isAlive() ? "" : " (the process exited)")
                        + "\n--- logs:\n" + logs());
            }
            Thread.sleep(100);
        }
    }

    private void awaitLog(Path log, Process process, String text) throws Exception {
        await("'" + text + "' in " + log.getFileName(), process, () -> {
            try {
                return Files.readString(log).contains(text);
            } catch (IOException e) {
                return false;
            }
        });
    }

    private String logs() throws IOException {
        StringBuilder out = new StringBuilder();
        try (var files = Files.list(tmp)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                out.append("=== ").append(f.getFileName()).append('\n').append(Files.readString(f)).append('\n');
            }
        }
        return out.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
