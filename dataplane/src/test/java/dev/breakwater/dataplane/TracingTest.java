package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.dataplane.accesslog.AccessLogConfig;
import dev.breakwater.dataplane.testing.OtlpReceiver;
import dev.breakwater.dataplane.testing.OtlpReceiver.ReceivedSpan;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.dataplane.trace.TracingConfig;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutePolicy;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracing through a real data plane to a real backend, with the spans exported by the OpenTelemetry SDK's OTLP/HTTP
 * exporter to a real OTLP receiver (the OpenTelemetry Collector's otlpreceiver, tools/otlp-receiver): the parent of
 * each server span (a trusted incoming traceparent, or a new trace), its attributes, and the traceparent the backend
 * received (our span its parent).
 */
class TracingTest {

    private static final Pattern TRACEPARENT =
            Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";

    @TempDir
    static Path dir;
    private static OtlpReceiver receiver;

    private final HttpClient client = HttpClient.newHttpClient();
    private final TestPki pki = TestPki.create("Tracing CA");
    private final ByteArrayOutputStream accessLog = new ByteArrayOutputStream();
    private TestBackend backend;
    private DataPlane proxy;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = OtlpReceiver.start(dir);
    }

    @AfterAll
    static void stopReceiver() throws Exception {
        receiver.close();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private void serve(TracingConfig tracing) throws Exception {
        backend = TestBackend.start("app");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(2)
                .accessLog(AccessLogConfig.DEFAULTS).accessLogOutput(accessLog)
                .tracing(tracing).build().start();
        proxy.apply(Tables.builder().cluster("app", backend)
                .route("a.example.com", PathMatch.prefix("/untrusted"), RouteAction.Forward.to("app"),
                        RoutePolicy.builder().trustIncomingSpan(false).build())
                .route("a.example.com", PathMatch.prefix("/untraced"), RouteAction.Forward.to("app"),
                        RoutePolicy.builder().tracing(false).build())
                .prefix("a.example.com", "/", "app")
                .build(List.of(pki.server("a.example.com").forHosts("default/a", "a.example.com"))));
    }

    private TracingConfig tracing() {
        return TracingConfig.OFF.withEndpoint(URI.create(receiver.endpoint())).withExportDelayMillis(50);
    }

    /** The backend's answer (its view of the request's headers), after a GET through the proxy. */
    private Map<String, String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                .header("Host", "a.example.com").header("User-Agent", "tracing-test/1");
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("X-Backend")).as("answered by the backend").hasValue("app");
        Map<String, String> seen = TestBackend.parse(r.body());
        seen.put("status", Integer.toString(r.statusCode()));
        return seen;
    }

    private static Matcher traceparent(Map<String, String> seen) {
        String header = seen.get("header.traceparent");
        assertThat(header).as("the traceparent the backend received").isNotNull();
        Matcher m = TRACEPARENT.matcher(header);
        assertThat(m.matches()).as(header).isTrue();
        return m;
    }

    /** The traceparent's sampled flag (the lowest bit of its flags). */
    private static boolean sampled(Matcher traceparent) {
        return (Integer.parseInt(traceparent.group(3), 16) & 1) == 1;
    }

    @Test
    void aTrustedIncomingTraceparentIsContinuedAndTheBackendsParentIsOurSpan() throws Exception {
        serve(tracing());
        Map<String, String> seen = get("/shop/cart?item=7", "traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN
                + "-01", "tracestate", "vendor=opaque");
        Matcher sent = traceparent(seen);
        assertThat(sent.group(1)).as("same trace").isEqualTo(CLIENT_TRACE);
        assertThat(sent.group(2)).as("a span of ours, not the client's").isNotEqualTo(CLIENT_SPAN);
        assertThat(sampled(sent)).isTrue();
        assertThat(seen.get("header.tracestate")).isEqualTo("vendor=opaque");

        ReceivedSpan span = receiver.await(s -> s.spanId().equals(sent.group(2)), "the server span");
        assertThat(span.traceId()).isEqualTo(CLIENT_TRACE);
        assertThat(span.parentSpanId()).isEqualTo(CLIENT_SPAN);
        assertThat(span.kind()).as("SERVER").isEqualTo(2);
        assertThat(span.name()).isEqualTo("GET");
        assertThat(span.statusCode()).as("unset").isZero();
        assertThat(span.attributes()).containsEntry("http.request.method", "GET")
                .containsEntry("url.path", "/shop/cart")
                .containsEntry("url.scheme", "http")
                .containsEntry("server.address", "a.example.com")
                .containsEntry("server.port", (long) proxy.httpPort())
                .containsEntry("http.response.status_code", 200L)
                .containsEntry("network.protocol.version", "1.1")
                .containsEntry("client.address", "127.0.0.1")
                .containsEntry("network.peer.address", "127.0.0.1")
                .containsEntry("user_agent.original", "tracing-test/1")
                .containsEntry("breakwater.route.source", "test")
                .containsEntry("breakwater.upstream.address", "127.0.0.1:" + backend.port())
                .containsEntry("breakwater.upstream.attempts", 1L)
                .doesNotContainKey("url.query");
        assertThat((String) span.attributes().get("breakwater.route")).startsWith("a.example.com/#");
        assertThat(span.resource()).containsEntry("service.name", "breakwater");
        assertThat(span.scope()).isEqualTo("dev.breakwater.dataplane");

        proxy.close(); // the access log's lines written
        JsonNode line = new ObjectMapper().readTree(accessLog.toString(StandardCharsets.UTF_8).trim());
        assertThat(line.get("trace_id").asText()).isEqualTo(CLIENT_TRACE);
        assertThat(line.get("route").asText()).isEqualTo(span.attributes().get("breakwater.route"));
        proxy = null;
    }

    @Test
    void withoutATraceparentARootSpanStartsAndA5xxIsAnError() throws Exception {
        serve(tracing());
        Map<String, String> seen = get("/status/503");
        assertThat(seen.get("status")).isEqualTo("503");
        Matcher sent = traceparent(seen);
        ReceivedSpan span = receiver.await(s -> s.spanId().equals(sent.group(2)), "the server span");
        assertThat(span.traceId()).isEqualTo(sent.group(1));
        assertThat(span.parentSpanId()).as("a root").isEmpty();
        assertThat(span.statusCode()).as("ERROR").isEqualTo(2);
        assertThat(span.attributes()).containsEntry("http.response.status_code", 503L)
                .containsEntry("error.type", "503");
    }

    @Test
    void anHttp2StreamOverTlsIsOneSpanWithItsProtocolAndScheme() throws Exception {
        serve(tracing());
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(TestPki.trustAll())
                .build();
        HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create("https://a.example.com:"
                + proxy.httpsPort() + "/h2/x")).header("traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN
                + "-01").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.statusCode()).isEqualTo(200);
        Matcher sent = traceparent(TestBackend.parse(r.body()));
        assertThat(sent.group(1)).isEqualTo(CLIENT_TRACE);
        ReceivedSpan span = receiver.await(s -> s.spanId().equals(sent.group(2)), "the HTTP/2 stream's span");
        assertThat(span.parentSpanId()).isEqualTo(CLIENT_SPAN);
        assertThat(span.attributes()).containsEntry("network.protocol.version", "2")
                .containsEntry("url.scheme", "https")
                .containsEntry("url.path", "/h2/x")
                .containsEntry("server.address", "a.example.com")
                .containsEntry("server.port", (long) proxy.httpsPort())
                .containsEntry("http.response.status_code", 200L);
    }

    @Test
    void anUntrustedTraceparentIsReplacedByANewTrace() throws Exception {
        serve(tracing());
        Map<String, String> seen = get("/untrusted/x", "traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN
                + "-01", "tracestate", "vendor=opaque");
        Matcher sent = traceparent(seen);
        assertThat(sent.group(1)).as("a new trace").isNotEqualTo(CLIENT_TRACE);
        assertThat(seen).as("the client's tracestate is not passed on").doesNotContainKey("header.tracestate");
        ReceivedSpan span = receiver.await(s -> s.spanId().equals(sent.group(2)), "the server span");
        assertThat(span.traceId()).isEqualTo(sent.group(1));
        assertThat(span.parentSpanId()).as("a root").isEmpty();
        assertThat(span.attributes()).containsEntry("url.path", "/untrusted/x");
    }

    @Test
    void theDataPlaneWideTrustSettingIsFollowedWhereTheRouteSaysNothing() throws Exception {
        serve(tracing().withTrustIncoming(false));
        Map<String, String> seen = get("/a", "traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01");
        Matcher sent = traceparent(seen);
        assertThat(sent.group(1)).isNotEqualTo(CLIENT_TRACE);
        ReceivedSpan span = receiver.await(s -> s.spanId().equals(sent.group(2)), "the server span");
        assertThat(span.parentSpanId()).isEmpty();
    }

    @Test
    void aRouteWithTracingOffPassesTheTraceparentAsItCameAndLeavesNoSpan() throws Exception {
        serve(tracing());
        String incoming = "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01";
        Map<String, String> untraced = get("/untraced/x", "traceparent", incoming);
        assertThat(untraced.get("header.traceparent")).isEqualTo(incoming);
        proxy.close(); // every span ended so far is exported
        proxy = null;
        assertThat(receiver.spans()).noneMatch(s -> "/untraced/x".equals(s.attributes().get("url.path")))
                .noneMatch(s -> s.parentSpanId().equals(CLIENT_SPAN) && s.traceId().equals(CLIENT_TRACE)
                        && "/untraced/x".equals(s.attributes().get("url.path")));
    }

    @Test
    void routesThatDoNotOptInAreNotTracedWhenOnlyOptedInRoutesAre() throws Exception {
        backend = TestBackend.start("app");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1)
                .tracing(tracing().withAllRoutes(false)).build().start();
        proxy.apply(Tables.builder().cluster("app", backend)
                .route("a.example.com", PathMatch.prefix("/opted-in"), RouteAction.Forward.to("app"),
                        RoutePolicy.builder().tracing(true).build())
                .prefix("a.example.com", "/", "app")
                .build());
        Map<String, String> plain = get("/plain");
        assertThat(plain).as("not traced: no traceparent made").doesNotContainKey("header.traceparent");
        Matcher sent = traceparent(get("/opted-in/y"));
        ReceivedSpan span = receiver.await(s -> s.spanId().equals(sent.group(2)), "the opted-in route's span");
        assertThat(span.attributes()).containsEntry("url.path", "/opted-in/y");
        proxy.close();
        proxy = null;
        assertThat(receiver.spans()).noneMatch(s -> "/plain".equals(s.attributes().get("url.path")));
    }

    @Test
    void anUnsampledTraceStillSendsATraceparentButExportsNothing() throws Exception {
        serve(tracing().withSampleRatio(0));
        Matcher sent = traceparent(get("/unsampled"));
        assertThat(sampled(sent)).as("not sampled").isFalse();
        String trace = sent.group(1);
        proxy.close(); // every span ended so far is exported
        proxy = null;
        assertThat(receiver.spans()).noneMatch(s -> s.traceId().equals(trace));
        assertThat(receiver.spans()).noneMatch(s -> "/unsampled".equals(s.attributes().get("url.path")));
    }

    /** A counter of the data plane's /metrics, or -1 when absent. */
    private double metric(String name) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + proxy.adminPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        for (String line : r.body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return -1;
    }

    @Test
    void exportedSpansAreCountedOnMetrics() throws Exception {
        serve(tracing());
        Matcher sent = traceparent(get("/counted"));
        receiver.await(s -> s.spanId().equals(sent.group(2)), "the span");
        assertThat(metric("breakwater_trace_spans_exported_total")).isGreaterThanOrEqualTo(1);
        assertThat(metric("breakwater_trace_spans_dropped_total")).isZero();
        assertThat(metric("breakwater_trace_spans_export_failed_total")).isZero();
    }

    @Test
    void aFullExportQueueDropsSpansAndCountsThemWithoutDelayingRequests() throws Exception {
        // a collector that takes the connection and does not answer until told: the exporter's thread is stuck on
        // the first span; then it answers 400 (not retried), and the failed export is counted
        try (java.net.ServerSocket stuck = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CountDownLatch exporting = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
            Thread acceptor = new Thread(() -> {
                while (true) {
                    try (java.net.Socket s = stuck.accept()) {
                        exporting.countDown();
                        answer.await();
                        s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                    } catch (java.io.IOException | InterruptedException closed) {
                        return; // the test is over
                    }
                }
            });
            acceptor.start();
            serve(TracingConfig.OFF.withEndpoint(URI.create("http://127.0.0.1:" + stuck.getLocalPort()))
                    .withQueueSpans(1).withBatchSpans(1).withExportDelayMillis(10).withExportTimeoutMillis(60_000));
            traceparent(get("/first"));
            assertThat(exporting.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("the export began").isTrue();
            for (int i = 0; i < 4; i++) {
                assertThat(get("/more/" + i).get("status")).isEqualTo("200"); // answered while the export hangs
            }
            // one span waits in the queue of one; the other three were dropped
            assertThat(metric("breakwater_trace_spans_dropped_total")).isEqualTo(3);
            assertThat(metric("breakwater_trace_spans_exported_total")).isZero();
            answer.countDown();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (metric("breakwater_trace_spans_export_failed_total") < 1 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(metric("breakwater_trace_spans_export_failed_total")).as("the refused export")
                    .isGreaterThanOrEqualTo(1);
        }
    }
}
