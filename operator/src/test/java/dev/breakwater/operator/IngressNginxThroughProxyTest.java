package dev.breakwater.operator;

import static dev.breakwater.operator.IngressExample.NAMESPACE;
import static dev.breakwater.operator.IngressExample.SERVICE_PORT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.compile.Compiler;
import dev.breakwater.operator.fixture.Fixtures;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ingress-nginx's canary weight and {@code proxy-send-timeout} from Ingress YAML to answers: compiled, served by a
 * real data plane, with real backends and clients over real sockets. (Canary by header and cookie are rows of
 * {@link IngressExamples}, sent through the proxy by {@link IngressExamplesThroughProxyTest}.)
 */
class IngressNginxThroughProxyTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final AtomicLong version = new AtomicLong();
    private static DataPlane proxy;
    private static TestBackend production;
    private static TestBackend canary;

    @BeforeAll
    static void start() throws Exception {
        production = TestBackend.start("production");
        canary = TestBackend.start("canary");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2).build().start();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        production.close();
        canary.close();
    }

    /** Compiles {@code ingresses} (no diagnostic expected) with each Service at the port {@code ports} gives. */
    private static void serve(List<Ingress> ingresses, Function<String, Integer> ports) {
        IngressExample all = new IngressExample("nginx", "all", ingresses, List.of(), false, "", "/", null);
        Compilation c = Compiler.compile(all.snapshot(s -> new InetSocketAddress("127.0.0.1", ports.apply(s))),
                all.options());
        assertThat(c.diagnostics()).isEmpty();
        proxy.apply(c.table().withVersion(version.incrementAndGet()));
    }

    @Test
    void canaryWeight30SendsAboutThirtyPercentOfRequestsToTheCanary() throws Exception {
        serve(List.of(
                Fixtures.ingress(NAMESPACE, "production").host("weight.example").prefix("/", "production", SERVICE_PORT)
                        .build(),
                Fixtures.ingress(NAMESPACE, "canary").host("weight.example").prefix("/", "canary", SERVICE_PORT)
                        .annotation(NGINX + "canary", "true").annotation(NGINX + "canary-weight", "30").build()),
                s -> s.equals("canary") ? canary.port() : production.port());

        Map<String, Integer> answers = new TreeMap<>();
        for (int batch = 0; batch < 20; batch++) { // 1000 requests, 50 at a time
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> inFlight = new java.util.ArrayList<>();
            for (int i = 0; i < 50; i++) {
                inFlight.add(client.sendAsync(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + proxy.httpPort() + "/item/" + (batch * 50 + i)))
                        .header("Host", "weight.example").build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (var f : inFlight) {
                HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                answers.merge(r.headers().firstValue("x-backend").orElse("none"), 1, Integer::sum);
            }
        }

        System.out.println("canary-weight 30, 1000 requests: " + answers);
        assertThat(answers.keySet()).containsExactly("canary", "production");
        // binomial(1000, 0.3): mean 300, standard deviation 14.5; 230..370 is more than 4.8 deviations either way
        assertThat(answers.get("canary")).as("answers: " + answers).isBetween(230, 370);
        assertThat(answers.get("canary") + answers.get("production")).isEqualTo(1000);
    }

    @Test
    void proxySendTimeoutEndsAnUploadTheEndpointStopsReadingWith504() throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        try (ServerSocket stalled = new ServerSocket()) {
            stalled.setReceiveBufferSize(16 * 1024);
            stalled.bind(new InetSocketAddress("127.0.0.1", 0));
            serve(List.of(Fixtures.ingress(NAMESPACE, "upload").host("upload.example")
                            .prefix("/", "uploads", SERVICE_PORT)
                            .annotation(NGINX + "proxy-send-timeout", "1")
                            .annotation(NGINX + "proxy-read-timeout", "30").build()),
                    s -> stalled.getLocalPort());
            List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
            threads.submit(() -> accepted.add(stalled.accept())); // accepts the connection, never reads from it
            long length = 48L << 20;

            long start = System.nanoTime();
            RawHttp.Response r;
            try (RawHttp upload = new RawHttp(proxy.httpPort())) {
                upload.send("POST /files HTTP/1.1\r\nHost: upload.example\r\nContent-Type: application/octet-stream"
                        + "\r\nContent-Length: " + length + "\r\n\r\n");
                threads.submit(() -> {
                    byte[] part = new byte[64 * 1024];
                    try {
                        for (long sent = 0; sent < length; sent += part.length) {
                            upload.send(part);
                        }
                    } catch (IOException e) {
                        // the proxy answered and closed while the body was still coming
                    }
                    return null;
                });
                r = upload.read();
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(r.status()).isEqualTo(504);
            assertThat(r.bodyText()).contains("did not take the request body in time");
            assertThat(millis).as("the 1 s send timeout, not the 30 s read timeout").isBetween(1000L, 15_000L);
            for (Socket s : accepted) {
                s.close();
            }
        } finally {
            threads.shutdownNow();
            threads.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
