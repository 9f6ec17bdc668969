package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.operator.compile.CompilerOptions;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller ConfigMap's {@code block-cidrs}, {@code client-header-timeout}, {@code use-http2}, {@code http-redirect-code}, {@code ssl-session-*}
 * and {@code brotli-*} keys in local mode, through a real data plane and the JDK's HTTP client: clients in
 * {@code block-cidrs} refused with 403 except on an Ingress with access rules of its own; a request head not finished
 * within {@code client-header-timeout} answered 408 on a raw socket; ingress-nginx's defaults
 * served as they say (308 to HTTPS, HTTP/2 by ALPN, brotli at its level) without a warning, other values warned with
 * the difference the clients then see.
 */
class LocalModeProtocolKeysTest {

    private static final TestPki PKI = TestPki.create("Protocol keys test CA");
    private static final String REF = "ingress-nginx/ingress-nginx-controller";

    @TempDir
    Path dir;
    private TestBackend app;
    private DataPlane proxy;
    private LocalMode local;
    private final List<String> reported = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        app = TestBackend.start("app");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(1).build()
                .start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx"))
                .withControllerConfigMap(REF), reported::add);
        TestPki.Issued cert = PKI.server("secure.test");
        Files.writeString(dir.resolve("app.yaml"), """
                apiVersion: v1
                kind: Service
                metadata: {name: app}
                spec:
                  ports: [{name: http, port: 80}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: app-1, labels: {kubernetes.io/service-name: app}}
                addressType: IPv4
                ports: [{name: http, port: %d}]
                endpoints: [{addresses: ["127.0.0.1"]}]
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: secure-tls}
                type: kubernetes.io/tls
                stringData:
                  tls.crt: |
                %s
                  tls.key: |
                %s
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: secure}
                spec:
                  ingressClassName: nginx
                  tls: [{hosts: [secure.test], secretName: secure-tls}]
                  rules:
                  - host: secure.test
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: shop}
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: shop.localhost
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: office
                  annotations: {nginx.ingress.kubernetes.io/whitelist-source-range: 127.0.0.1/32}
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: office.localhost
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                """.formatted(app.port(), indent(cert.chainPem()), indent(cert.keyPem())));
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        proxy.close();
        app.close();
    }

    private static String indent(String pem) {
        return pem.strip().lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    private LocalMode.Reload configMap(String data) throws Exception {
        LocalMode.Reload reload = write(data);
        assertThat(reload.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        return reload;
    }

    /** Writes the controller ConfigMap and reads the folder again. */
    private LocalMode.Reload write(String data) throws Exception {
        Files.writeString(dir.resolve("controller.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data:
                """ + data.indent(2));
        return local.reload();
    }

    private HttpResponse<byte[]> get(String host, String path, String acceptEncoding) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                .header("Host", host).header("X-Pad", "p".repeat(600));
        if (acceptEncoding != null) {
            b.header("Accept-Encoding", acceptEncoding);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<String> https() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(PKI.clientContext(null))
                .version(HttpClient.Version.HTTP_2).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://secure.test:" + proxy.httpsPort() + "/ui"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void blockCidrsRefuseTheirClientsExceptOnAnIngressWithAccessRulesOfItsOwn() throws Exception {
        LocalMode.Reload reload = configMap("block-cidrs: \"192.0.2.0/24,127.0.0.0/8\"\n");
        assertThat(reload.messages()).noneMatch(m -> m.contains("block-cidrs"));

        assertThat(get("shop.localhost", "/", null).statusCode()).as("127.0.0.1 is blocked").isEqualTo(403);
        HttpResponse<byte[]> office = get("office.localhost", "/", null);
        assertThat(office.statusCode()).as("its own whitelist-source-range replaces block-cidrs, as in nginx")
                .isEqualTo(200);
        assertThat(TestBackend.parse(new String(office.body()))).containsEntry("backend", "app");

        configMap("block-cidrs: 192.0.2.0/24\n");
        assertThat(get("shop.localhost", "/", null).statusCode()).as("the new ranges, same data plane")
                .isEqualTo(200);

        LocalMode.Reload bad = write("block-cidrs: 127.0.0.0/33\n");
        assertThat(bad.messages()).anySatisfy(m -> assertThat(m).contains("ConfigMap/" + REF)
                .contains("data['block-cidrs']").contains("the last good value \"192.0.2.0/24\" is kept"));
        assertThat(get("shop.localhost", "/", null).statusCode()).isEqualTo(200);
    }

    @Test
    void clientHeaderTimeoutAnswers408ToAHeadNotFinishedInTime() throws Exception {
        LocalMode.Reload reload = configMap("client-header-timeout: \"1\"\n");
        assertThat(reload.messages()).noneMatch(m -> m.contains("client-header-timeout"));
        assertThat(proxy.table().settings().requestHeadTimeoutMillis()).isEqualTo(1000L);

        try (Socket socket = new Socket("127.0.0.1", proxy.httpPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: shop.localhost\r\nX-Half: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 408 ").contains("Connection: close");
        }
        HttpResponse<byte[]> whole = get("shop.localhost", "/", null);
        assertThat(whole.statusCode()).as("a whole head is served").isEqualTo(200);
    }

    @Test
    void ingressNginxsDefaultsAreServedAsTheySayWithoutAWarning() throws Exception {
        LocalMode.Reload reload = configMap("""
                use-http2: "true"
                http-redirect-code: "308"
                ssl-session-cache: "true"
                ssl-session-tickets: "false"
                ssl-session-timeout: 1h
                enable-brotli: "true"
                use-gzip: "true"
                brotli-level: "4"
                """);
        assertThat(reload.messages()).noneMatch(m -> m.contains("ConfigMap/" + REF));

        HttpResponse<byte[]> redirect = get("secure.test", "/ui?x=1", null);
        assertThat(redirect.statusCode()).as("http-redirect-code 308").isEqualTo(308);
        assertThat(redirect.headers().firstValue("location")).hasValueSatisfying(l -> assertThat(l)
                .startsWith("https://secure.test").endsWith("/ui?x=1"));

        HttpResponse<String> secure = https();
        assertThat(secure.statusCode()).isEqualTo(200);
        assertThat(secure.version()).as("use-http2: ALPN h2").isEqualTo(HttpClient.Version.HTTP_2);

        HttpResponse<byte[]> brotli = get("shop.localhost", "/page", "br");
        assertThat(brotli.statusCode()).isEqualTo(200);
        assertThat(brotli.headers().firstValue("content-encoding")).as("enable-brotli at brotli-level 4")
                .hasValue("br");
    }

    @Test
    void otherValuesAreWarnedWithTheDifferenceTheClientsThenSee() throws Exception {
        LocalMode.Reload reload = configMap("""
                use-http2: "false"
                http-redirect-code: "301"
                enable-brotli: "true"
                brotli-min-length: "100000"
                """);
        assertThat(reload.messages()).anySatisfy(m -> assertThat(m).contains("ConfigMap/" + REF)
                .contains("data['use-http2']").contains("Breakwater offers HTTP/2 (ALPN h2)"));
        assertThat(reload.messages()).anySatisfy(m -> assertThat(m).contains("data['http-redirect-code']")
                .contains("with 308"));
        assertThat(reload.messages()).anySatisfy(m -> assertThat(m).contains("data['brotli-min-length']")
                .contains("from the length gzip-min-length gives (256 bytes)"));

        assertThat(get("secure.test", "/ui", null).statusCode()).as("as the warning says").isEqualTo(308);
        assertThat(https().version()).as("as the warning says").isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(get("shop.localhost", "/page", "br").headers().firstValue("content-encoding"))
                .as("a body over 256 bytes is compressed, as the warning says").hasValue("br");
    }
}
