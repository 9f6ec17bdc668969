package dev.breakwater.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.Compiler;
import dev.breakwater.routing.RoutingTable;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Ingress examples (Kubernetes docs path table, ingress-controller-conformance scenarios, class
 * selection, ingress-nginx rewrites) through real sockets: each row's manifests are compiled, served by a real data plane, and the
 * row's request is sent with a real HTTP client to real backends, one per Service, which name themselves.
 *
 * <p>Rows marked https are sent over TLS (SNI = the row's host). A plain-HTTP request for a host with TLS is
 * answered with a 308 redirect, which is followed over TLS, as the conformance suite's client does.
 */
class IngressExamplesThroughProxyTest {

    private static DataPlane proxy;
    private static final Map<String, TestBackend> backends = new HashMap<>();
    private static final AtomicLong version = new AtomicLong();
    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(2)
                .build().start();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backends.values().forEach(TestBackend::close);
    }

    static List<IngressExample> rows() {
        return IngressExamples.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void routesTheRequestThroughTheProxy(IngressExample row) throws Exception {
        RoutingTable table = Compiler.compile(row.snapshot(service -> {
            TestBackend b = backends.computeIfAbsent(service, TestBackend::start);
            return new InetSocketAddress("127.0.0.1", b.port());
        }), row.options()).table();
        proxy.apply(table.withVersion(version.incrementAndGet()));

        Answer response;
        if (row.https()) {
            response = overTls(row.host(), row.path(), row.headers());
        } else {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxy.httpPort() + row.path()));
            if (!row.host().isEmpty()) {
                request.header("Host", row.host());
            }
            row.headers().forEach(request::header);
            HttpResponse<String> plain = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            response = new Answer(plain.statusCode(), plain.headers().firstValue("x-backend").orElse(null),
                    plain.body());
            if (plain.statusCode() == 308) {
                String location = plain.headers().firstValue("location").orElseThrow();
                assertThat(location).as(row.toString()).isEqualTo("https://" + row.host() + row.path());
                response = overTls(row.host(), row.path(), row.headers());
            }
        }
        if (row.expectedService() == null) {
            assertThat(response.status()).as(row.toString()).isEqualTo(404);
            assertThat(response.backend()).as(row.toString()).isNull();
        } else {
            assertThat(response.status()).as(row.toString()).isEqualTo(200);
            assertThat(response.backend()).as(row.toString()).isEqualTo(row.expectedService());
            assertThat(TestBackend.parse(response.body())).as(row.toString())
                    .containsEntry("uri", row.uriAtBackend());
        }
    }

    /** Status, X-Backend and body of an answer. */
    record Answer(int status, String backend, String body) {
    }

    /** GET over TLS to the proxy, with the host as SNI and Host (no DNS needed), trusting any certificate. */
    private static Answer overTls(String host, String path, Map<String, String> headers) throws Exception {
        javax.net.ssl.SSLContext trustAll = dev.breakwater.dataplane.testing.TestPki.trustAll();
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) trustAll.getSocketFactory()
                .createSocket("127.0.0.1", proxy.httpsPort())) {
            s.setSoTimeout(10_000);
            if (!host.isEmpty()) {
                javax.net.ssl.SSLParameters p = s.getSSLParameters();
                p.setServerNames(List.of(new javax.net.ssl.SNIHostName(host)));
                s.setSSLParameters(p);
            }
            StringBuilder extra = new StringBuilder();
            headers.forEach((k, v) -> extra.append(k).append(": ").append(v).append("\r\n"));
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + (host.isEmpty() ? "127.0.0.1" : host)
                    + "\r\n" + extra + "Connection: close\r\n\r\n").getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(all.substring(9, 12));
            String head = all.substring(0, all.indexOf("\r\n\r\n"));
            String backend = null;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("x-backend:")) {
                    backend = line.substring(10).trim();
                }
            }
            String body = all.substring(all.indexOf("\r\n\r\n") + 4);
            return new Answer(status, backend, body);
        }
    }
}
