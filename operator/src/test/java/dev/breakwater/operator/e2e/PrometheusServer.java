package dev.breakwater.operator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Prometheus ({@code /usr/bin/prometheus}, Debian's package) on 127.0.0.1, scraping static targets every second
 * and evaluating a rule file, with its HTTP API for queries. Its data lives in a directory of the test's.
 */
final class PrometheusServer implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts Prometheus in {@code dir}, scraping each job's {@code host:port} targets ({@code /metrics}) and evaluating
     * {@code rules}; returns once it answers on its ready endpoint.
     */
    static PrometheusServer start(Path dir, Map<String, List<String>> targetsByJob, Path rules)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String jobs = targetsByJob.entrySet().stream().map(e -> """
                  - job_name: %s
                    static_configs:
                      - targets: [%s]
                """.formatted(e.getKey(), e.getValue().stream().map(t -> "'" + t + "'")
                .collect(Collectors.joining(", ")))).collect(Collectors.joining());
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                rule_files: ['%s']
                scrape_configs:
                %s""".formatted(rules.toAbsolutePath(), jobs));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve("prometheus.log");
        Process p = new ProcessBuilder(BINARY.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(p, log, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("prometheus exited (" + p.exitValue() + "): " + server.logText());
            }
            try {
                if (server.get("/-/ready").statusCode() == 200) {
                    return server;
                }
            } catch (UncheckedIOException notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        server.close();
        throw new IllegalStateException("prometheus not ready within 60 s: " + server.logText());
    }

    /**
     * The result vector of an instant query ({@code /api/v1/query}); an {@link IllegalArgumentException} for a query
     * Prometheus refuses, an {@link UncheckedIOException} when it could not be asked.
     */
    JsonNode query(String promql) {
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode body = json(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IllegalArgumentException("query refused (" + r.statusCode() + "): " + promql + "\n" + r.body());
        }
        return body.path("data").path("result");
    }

    /** The rules Prometheus loaded from its rule file ({@code /api/v1/rules}), each with its health and last error. */
    JsonNode rules() {
        return json(get("/api/v1/rules").body()).path("data").path("groups");
    }

    /** The scrape targets and their health ({@code /api/v1/targets}). */
    JsonNode targets() {
        return json(get("/api/v1/targets").body()).path("data").path("activeTargets");
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Prometheus", e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
