package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.BackendProcess;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The standalone data plane ({@link Main}) as a child process, stopped with SIGTERM as Kubernetes stops a
 * pod: {@code /readyz} fails at once, requests are still served (with {@code Connection: close}) during the
 * grace period, new connections are refused after it, the request in flight completes, and the process
 * exits 0 within its deadline.
 */
class GracefulShutdownTest {

    private static final long GRACE_MILLIS = 2000;
    private static final long TIMEOUT_MILLIS = 10_000;
    /** Longer than the grace period, so that it is still in flight when the listener closes. */
    private static final long IN_FLIGHT_MILLIS = 4000;

    @Test
    void sigtermDrainsAndExitsZero() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "graceful-shutdown"));
        Path tableFile = dir.resolve("table.json");
        Path log = dir.resolve("dataplane.log");
        Process process = null;
        try (TestBackend backend = TestBackend.start("origin")) {
            RoutingTable table = Tables.builder().cluster("app", backend).prefix("*", "/", "app").build()
                    .withVersion(7);
            Files.write(tableFile, TableCodec.encode(table));
            int httpPort = freePort();
            int adminPort = freePort();
            ProcessBuilder pb = new ProcessBuilder(BackendProcess.javaBin(), "-cp",
                    System.getProperty("java.class.path"), Main.class.getName(),
                    "--table", tableFile.toString(), "--bind", "127.0.0.1",
                    "--http-port", Integer.toString(httpPort), "--https-port", "-1",
                    "--admin-port", Integer.toString(adminPort), "--workers", "2",
                    "--shutdown-grace", GRACE_MILLIS + "ms", "--shutdown-timeout", TIMEOUT_MILLIS + "ms");
            pb.redirectErrorStream(true);
            pb.redirectOutput(log.toFile());
            process = pb.start();

            HttpClient admin = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI readyz = URI.create("http://127.0.0.1:" + adminPort + "/readyz");
            assertThat(waitForStatus(admin, readyz, 200, 60_000, process))
                    .as("/readyz before SIGTERM; log:\n%s", logOf(log)).isEqualTo(200);
            URI root = URI.create("http://127.0.0.1:" + httpPort + "/");
            assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(root).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            int before = backend.requests();
            HttpClient slowClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            CompletableFuture<HttpResponse<String>> inFlight = slowClient.sendAsync(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + httpPort + "/slow/" + IN_FLIGHT_MILLIS))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (backend.requests() == before && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertThat(backend.requests()).as("the slow request reached the backend").isGreaterThan(before);

            long sigterm = System.nanoTime();
            process.destroy(); // SIGTERM

            // the grace period: not ready, but still serving, each answer closing its connection
            assertThat(waitForStatus(admin, readyz, 503, GRACE_MILLIS, process)).as("/readyz during the grace period")
                    .isEqualTo(503);
            HttpResponse<String> duringGrace = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/during-grace"))
                            .build(), HttpResponse.BodyHandlers.ofString());
            long graceCheckedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
            assertThat(graceCheckedMillis).as("the checks of the grace period ran within it (a slow machine?)")
                    .isLessThan(GRACE_MILLIS);
            assertThat(duringGrace.statusCode()).as("served during the grace period").isEqualTo(200);
            assertThat(duringGrace.body()).contains("uri=/during-grace");
            assertThat(duringGrace.headers().firstValue("connection")).hasValue("close");

            // after the grace period: the listener is closed while the slow request still runs
            long refusedBy = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS + 5000);
            boolean refused = false;
            while (!refused && System.nanoTime() < refusedBy) {
                refused = refused(httpPort);
                if (!refused) {
                    Thread.sleep(20);
                }
            }
            long refusedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
            assertThat(refused).as("new connections refused after the grace period").isTrue();
            assertThat(refusedAfterMillis).as("not refused before the grace period ended")
                    .isGreaterThanOrEqualTo(GRACE_MILLIS - 100);
            assertThat(inFlight).as("the slow request is still in flight when the listener closes").isNotDone();
            assertThat(process.isAlive()).as("the data plane waits for it").isTrue();

            HttpResponse<String> finished = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(finished.statusCode()).as("the request in flight completes").isEqualTo(200);
            assertThat(finished.body()).contains("uri=/slow/" + IN_FLIGHT_MILLIS);
            assertThat(finished.headers().firstValue("connection")).hasValue("close");

            assertThat(process.waitFor(GRACE_MILLIS + TIMEOUT_MILLIS + 5000, TimeUnit.MILLISECONDS))
                    .as("exited within the grace period and the deadline; log:\n%s", logOf(log)).isTrue();
            long exitedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
            assertThat(process.exitValue()).as("exit code; log:\n%s", logOf(log)).isZero();
            String output = logOf(log);
            assertThat(output).contains("SIGTERM: drained (0 connection(s) cut at the deadline)")
                    .doesNotContain("HTTPS on");
            System.out.printf("graceful shutdown: /readyz 503 and a request served within %d ms of SIGTERM, "
                            + "refused after %d ms, exited 0 after %d ms (grace %d ms, in flight %d ms)%n",
                    graceCheckedMillis, refusedAfterMillis, exitedAfterMillis, GRACE_MILLIS, IN_FLIGHT_MILLIS);
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Polls until the URI answers {@code status}, for up to {@code millis}; returns the last status (-1: none). */
    private static int waitForStatus(HttpClient client, URI uri, int status, long millis, Process process)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        int last = -1;
        do {
            try {
                last = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == status) {
                    return last;
                }
            } catch (IOException e) {
                last = -1;
            }
            if (!process.isAlive()) {
                return last;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < end);
        return last;
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String logOf(Path log) {
        try {
            return String.join("\n", List.of(Files.readString(log, StandardCharsets.UTF_8).split("\n")));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
