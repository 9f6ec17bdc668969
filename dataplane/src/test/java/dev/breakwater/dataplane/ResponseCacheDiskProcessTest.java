package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.BackendProcess;
import dev.breakwater.dataplane.testing.ScriptedOrigin;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.routing.CachePolicy;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.TableCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk tier across a restart of the real data plane process ({@link Main} as a child, with
 * {@code --cache-disk-dir}): a cache fuller than its memory, SIGTERM (the drain closes the cache, writing what
 * memory holds), a new process on the same directory answering every entry from disk without the origin.
 */
class ResponseCacheDiskProcessTest {

    @TempDir
    Path dir;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aRestartedProcessAnswersFromTheDiskTier() throws Exception {
        Path cacheDir = dir.resolve("cache");
        Path tableFile = dir.resolve("table.json");
        try (ScriptedOrigin origin = ScriptedOrigin.start()) {
            Files.write(tableFile, TableCodec.encode(Tables.builder()
                    .cluster("app", Endpoint.ready("127.0.0.1", origin.port()))
                    .route("*", PathMatch.prefix("/"), RouteAction.Forward.to("app"),
                            RoutePolicy.DEFAULTS.withCache(CachePolicy.DEFAULTS))
                    .build().withVersion(1)));
            List<String> paths = new ArrayList<>();
            java.util.Map<String, String> bodies = new java.util.HashMap<>();
            for (int i = 0; i < 10; i++) {
                String p = "/item-" + i;
                paths.add(p);
                // the even ones above the threshold (8Ki): on disk at once; the odd ones in memory until the stop
                int size = i % 2 == 0 ? 12_000 : 6_000;
                bodies.put(p, p + ":" + "z".repeat(size));
                origin.on(p, 200, bodies.get(p), "Cache-Control", "max-age=3600", "Age", "100",
                        "Content-Type", "text/plain");
            }

            int port = freePort();
            Process first = start(cacheDir, tableFile, port, dir.resolve("first.log"));
            try {
                for (String p : paths) {
                    assertThat(header(get(port, p), "x-cache-status")).as(p).isEqualTo("MISS");
                }
                for (String p : paths) {
                    assertThat(header(get(port, p), "x-cache-status")).as(p).isEqualTo("HIT");
                }
            } finally {
                stop(first, dir.resolve("first.log"));
            }
            try (var files = Files.list(cacheDir)) {
                assertThat(files.filter(f -> f.toString().endsWith(".entry")).count())
                        .as("every entry written by the time the process exited").isEqualTo(paths.size());
            }

            Process second = start(cacheDir, tableFile, port, dir.resolve("second.log"));
            try {
                for (String p : paths) {
                    HttpResponse<String> r = get(port, p);
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(header(r, "x-cache-status")).as(p).isEqualTo("HIT");
                    assertThat(r.body()).as(p).isEqualTo(bodies.get(p));
                    assertThat(header(r, "content-type")).isEqualTo("text/plain");
                    assertThat(Long.parseLong(header(r, "age"))).as("the origin's Age counts on").isGreaterThanOrEqualTo(100);
                    assertThat(origin.hits(p)).as(p + " reached the origin before the restart only").isEqualTo(1);
                }
            } finally {
                stop(second, dir.resolve("second.log"));
            }
        }
    }

    private Process start(Path cacheDir, Path tableFile, int httpPort, Path log) throws Exception {
        int adminPort = freePort();
        ProcessBuilder pb = new ProcessBuilder(BackendProcess.javaBin(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--table", tableFile.toString(), "--bind", "127.0.0.1",
                "--http-port", Integer.toString(httpPort), "--https-port", "-1",
                "--admin-port", Integer.toString(adminPort), "--workers", "1",
                "--shutdown-grace", "0ms", "--shutdown-timeout", "5000ms",
                "--cache-size", "64Ki", "--cache-disk-dir", cacheDir.toString(), "--cache-disk-threshold", "8Ki",
                "--cache-disk-size", "16Mi");
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        Process process = pb.start();
        URI readyz = URI.create("http://127.0.0.1:" + adminPort + "/readyz");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end && process.isAlive()) {
            try {
                if (client.send(HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return process;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        process.destroyForcibly();
        throw new AssertionError("the data plane did not become ready; log:\n" + Files.readString(log));
    }

    private static void stop(Process process, Path log) throws Exception {
        process.destroy(); // SIGTERM: drained, then the cache closed
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("no exit after SIGTERM; log:\n" + Files.readString(log));
        }
        assertThat(process.exitValue()).as("exit code; log:\n%s", Files.readString(log, StandardCharsets.UTF_8))
                .isZero();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse("none");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
