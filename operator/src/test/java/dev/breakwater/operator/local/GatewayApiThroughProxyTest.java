package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.operator.compile.CompilerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Gateway, its HTTP and HTTPS listeners and HTTPRoutes in a local-mode folder, served by a real data plane and
 * asked over real sockets by the JDK HttpClient ({@code secure.test} and {@code other.test} resolve to loopback
 * through the test hosts file): the HTTPS listener's certificate, its route's filters and weighted backends, the
 * redirect of plain HTTP for a host only an HTTPS listener takes, and a RequestRedirect and URLRewrite on the HTTP
 * listener; a wildcard listener over several labels, and an HTTPS listener without hostname whose certificate serves
 * every name.
 */
class GatewayApiThroughProxyTest {

    private static final TestPki PKI = TestPki.create("Gateway API test CA");
    private static final int PUBLIC_HTTPS_PORT = 8443;

    @TempDir
    Path dir;
    private TestBackend web;
    private TestBackend canary;
    private DataPlane proxy;
    private LocalMode local;
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private TestPki.Issued cert;

    @BeforeEach
    void start() throws Exception {
        web = TestBackend.start("web");
        canary = TestBackend.start("canary");
        cert = PKI.server("secure.test");
        Files.writeString(dir.resolve("gateway.yaml"), """
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: breakwater}
                spec: {controllerName: breakwater.dev/gateway-controller}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: edge}
                spec:
                  gatewayClassName: breakwater
                  listeners:
                  - {name: http, protocol: HTTP, port: 80, hostname: other.test}
                  - name: https
                    protocol: HTTPS
                    port: 443
                    hostname: secure.test
                    tls: {certificateRefs: [{name: secure-tls}]}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: secure}
                spec:
                  parentRefs: [{name: edge, sectionName: https}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /api}, headers: [{name: x-canary, value: "yes"}]}]
                    backendRefs: [{name: canary, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /api}}]
                    filters:
                    - type: RequestHeaderModifier
                      requestHeaderModifier: {set: [{name: x-env, value: prod}], remove: [x-debug]}
                    - type: ResponseHeaderModifier
                      responseHeaderModifier: {add: [{name: x-served-by, value: gateway}]}
                    backendRefs: [{name: web, port: 80, weight: 1}, {name: canary, port: 80, weight: 0}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: plain}
                spec:
                  parentRefs: [{name: edge, sectionName: http}]
                  rules:
                  - matches: [{path: {type: Exact, value: /old}}]
                    filters:
                    - type: RequestRedirect
                      requestRedirect: {hostname: secure.test, statusCode: 301,
                                        path: {type: ReplaceFullPath, replaceFullPath: /api/new}}
                  - matches: [{path: {type: PathPrefix, value: /app}}]
                    filters:
                    - type: URLRewrite
                      urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}
                    backendRefs: [{name: web, port: 80}]
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
                """.formatted(indent(cert.chainPem()), indent(cert.keyPem())) + service("web", web.port())
                + service("canary", canary.port()));
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(1)
                .config(ProxyConfig.defaults().withPublicHttpsPort(PUBLIC_HTTPS_PORT)).build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local(), reported::add);
    }

    private static String service(String name, int port) {
        return "---\n" + LocalManifests.service(name, port);
    }

    private static String indent(String pem) {
        return pem.strip().lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    @AfterEach
    void stop() throws Exception {
        if (local != null) {
            local.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        web.close();
        canary.close();
    }

    private HttpResponse<String> https(String path, String... headers) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(PKI.clientContext(null)).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://secure.test:" + proxy.httpsPort()
                + path));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> http(String host, String path) throws Exception {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build().send(HttpRequest
                .newBuilder(URI.create("http://" + host + ":" + proxy.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aWildcardListenerServesSeveralLabelsAndAnHttpsListenerWithoutHostnameServesItsCertificateToEveryName()
            throws Exception {
        TestPki.Issued any = PKI.server("other.test");
        Files.writeString(dir.resolve("gateway.yaml"), """
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: breakwater}
                spec: {controllerName: breakwater.dev/gateway-controller}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: edge}
                spec:
                  gatewayClassName: breakwater
                  listeners:
                  - {name: http, protocol: HTTP, port: 80, hostname: "*.wild.test"}
                  - name: https
                    protocol: HTTPS
                    port: 443
                    tls: {certificateRefs: [{name: any-tls}]}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: wild}
                spec:
                  parentRefs: [{name: edge}]
                  rules:
                  - backendRefs: [{name: web, port: 80}]
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: any-tls}
                type: kubernetes.io/tls
                stringData:
                  tls.crt: |
                %s
                  tls.key: |
                %s
                """.formatted(indent(any.chainPem()), indent(any.keyPem())) + service("web", web.port()));
        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);

        // Gateway API wildcards cover one or more labels (an Ingress's covers one)
        for (String host : List.of("a.wild.test", "a.b.c.wild.test")) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxy.httpPort() + "/")).header("Host", host).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(host).isEqualTo(200);
            assertThat(r.headers().firstValue("x-backend")).as(host).hasValue("web");
        }

        // other.test is no route's hostname: the listener without hostname still serves its certificate to it
        HttpClient client = HttpClient.newBuilder().sslContext(PKI.clientContext(null)).build();
        HttpResponse<String> tls = client.send(HttpRequest.newBuilder(URI.create("https://other.test:"
                + proxy.httpsPort() + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tls.statusCode()).isEqualTo(200);
        assertThat(((X509Certificate) tls.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber())
                .isEqualTo(any.certificate().getSerialNumber());
    }

    @Test
    void servesTheHttpsListenersRoutesWithItsCertificateAndTheHttpListenersRedirectAndRewrite() throws Exception {
        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(reported).isEmpty();

        HttpResponse<String> api = https("/api/items", "x-debug", "1");
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(api.headers().firstValue("x-backend")).hasValue("web");
        assertThat(api.headers().firstValue("x-served-by")).hasValue("gateway");
        assertThat(((X509Certificate) api.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber())
                .isEqualTo(cert.certificate().getSerialNumber());
        Map<String, String> seen = TestBackend.parse(api.body());
        assertThat(seen).containsEntry("header.x-env", "prod").doesNotContainKey("header.x-debug");

        // a header match goes first (more header matches), whatever the rule order
        assertThat(https("/api/items", "x-canary", "yes").headers().firstValue("x-backend")).hasValue("canary");
        assertThat(canary.requests()).isEqualTo(1);

        // secure.test is taken only by the HTTPS listener: plain HTTP is redirected, never served in clear
        HttpResponse<String> clear = http("secure.test", "/api/items");
        assertThat(clear.statusCode()).isEqualTo(308);
        assertThat(clear.headers().firstValue("location"))
                .hasValue("https://secure.test:" + PUBLIC_HTTPS_PORT + "/api/items");

        HttpResponse<String> old = http("other.test", "/old");
        assertThat(old.statusCode()).isEqualTo(301);
        assertThat(old.headers().firstValue("location")).hasValueSatisfying(l ->
                assertThat(l).startsWith("http://secure.test").endsWith("/api/new"));

        HttpResponse<String> app = http("other.test", "/app/page?q=1");
        assertThat(app.statusCode()).isEqualTo(200);
        assertThat(TestBackend.parse(app.body())).containsEntry("uri", "/v2/page?q=1");
        assertThat(web.requests()).isEqualTo(2);
    }
}
