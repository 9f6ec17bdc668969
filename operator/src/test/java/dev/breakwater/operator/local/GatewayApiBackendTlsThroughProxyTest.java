package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.operator.compile.CompilerOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BackendTLSPolicies in a local-mode folder, served by a real data plane to a real HTTPS endpoint (the JDK's HTTPS
 * server, whose certificate carries {@code DNS:web.internal} and a SPIFFE URI, issued by a test CA, and which answers
 * with the SNI name it was sent): the right CA and hostname pass; a wrong hostname, a wrong CA, subjectAltNames the
 * certificate lacks, and a CA ConfigMap that does not exist fail with a 5xx and never reach the endpoint; a
 * subjectAltName the certificate has passes whatever the hostname (sent as SNI only); a Service without policy is
 * spoken to in clear.
 */
class GatewayApiBackendTlsThroughProxyTest {

    private static final TestPki PKI = TestPki.create("BackendTLSPolicy test CA");
    private static final TestPki OTHER = TestPki.create("another CA");
    private static final String SPIFFE = "spiffe://cluster.local/ns/default/sa/web";

    @TempDir
    Path dir;
    private HttpsServer endpoint;
    private final AtomicInteger served = new AtomicInteger();
    private DataPlane proxy;
    private LocalMode local;
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        TestPki.Issued cert = PKI.issueWithNames(TestPki.KeyForm.EC_PKCS8, Duration.ofDays(2), "web.internal",
                new GeneralName(GeneralName.dNSName, "web.internal"),
                new GeneralName(GeneralName.uniformResourceIdentifier, SPIFFE));
        endpoint = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.setHttpsConfigurator(new HttpsConfigurator(serverContext(cert)));
        endpoint.createContext("/", exchange -> {
            served.incrementAndGet();
            List<SNIServerName> names = ((ExtendedSSLSession) ((HttpsExchange) exchange).getSSLSession())
                    .getRequestedServerNames();
            String sni = names.isEmpty() ? "(none)" : ((SNIHostName) names.get(0)).getAsciiName();
            byte[] body = ("sni=" + sni).getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        endpoint.start();
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local(), reported::add);
        StringBuilder yaml = new StringBuilder("""
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
                  listeners: [{name: http, protocol: HTTP, port: 80}]
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: web-ca}
                data:
                  ca.crt: |
                %s
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: other-ca}
                data:
                  ca.crt: |
                %s
                """.formatted(PKI.caPem().strip().indent(4).stripTrailing(),
                OTHER.caPem().strip().indent(4).stripTrailing()));
        yaml.append(backend("right", "caCertificateRefs: [{group: \"\", kind: ConfigMap, name: web-ca}]",
                "hostname: web.internal"));
        yaml.append(backend("wrong-host", "caCertificateRefs: [{group: \"\", kind: ConfigMap, name: web-ca}]",
                "hostname: other.internal"));
        yaml.append(backend("wrong-ca", "caCertificateRefs: [{group: \"\", kind: ConfigMap, name: other-ca}]",
                "hostname: web.internal"));
        yaml.append(backend("no-ca", "caCertificateRefs: [{group: \"\", kind: ConfigMap, name: nowhere}]",
                "hostname: web.internal"));
        yaml.append(backend("san-dns", "caCertificateRefs: [{group: \"\", kind: ConfigMap, name: web-ca}]",
                "hostname: sni.internal", "subjectAltNames: [{type: Hostname, hostname: web.internal}]"));
        yaml.append(backend("san-uri", "caCertificateRefs: [{group: \"\", kind: ConfigMap, name: web-ca}]",
                "hostname: sni.internal", "subjectAltNames: [{type: URI, uri: \"" + SPIFFE + "\"}]"));
        yaml.append(backend("san-wrong", "caCertificateRefs: [{group: \"\", kind: ConfigMap, name: web-ca}]",
                "hostname: web.internal", "subjectAltNames: [{type: Hostname, hostname: other.internal}, "
                        + "{type: URI, uri: \"spiffe://cluster.local/ns/default/sa/other\"}]"));
        yaml.append(backend("clear"));
        Files.writeString(dir.resolve("gateway.yaml"), yaml.toString());
        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
    }

    /**
     * Service {@code name} (port 443 named {@code https}) on the endpoint, an HTTPRoute for host {@code name.test} to
     * it and, with {@code validation} lines, a BackendTLSPolicy for its port.
     */
    private String backend(String name, String... validation) {
        String yaml = """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: %1$s}
                spec:
                  ports: [{name: https, port: 443}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: %1$s-1, labels: {kubernetes.io/service-name: %1$s}}
                addressType: IPv4
                ports: [{name: https, port: %2$d}]
                endpoints: [{addresses: ["127.0.0.1"]}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: %1$s}
                spec:
                  parentRefs: [{name: edge}]
                  hostnames: [%1$s.test]
                  rules: [{backendRefs: [{name: %1$s, port: 443}]}]
                """.formatted(name, endpoint.getAddress().getPort());
        if (validation.length == 0) {
            return yaml;
        }
        return yaml + """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: BackendTLSPolicy
                metadata: {name: %s}
                spec:
                  targetRefs: [{group: "", kind: Service, name: %s, sectionName: https}]
                  validation:
                %s
                """.formatted(name, name, String.join("\n", validation).indent(4).stripTrailing());
    }

    private static SSLContext serverContext(TestPki.Issued certificate) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", certificate.keys().getPrivate(), "x".toCharArray(),
                new X509Certificate[] {certificate.certificate(), PKI.ca()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "x".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        proxy.close();
        endpoint.stop(0);
    }

    private HttpResponse<String> get(String host) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/"))
                .header("Host", host).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theRightCaAndHostnamePassAndTheHostnameIsSentAsSni() throws Exception {
        HttpResponse<String> r = get("right.test");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("sni=web.internal");
        assertThat(served).hasValue(1);
    }

    @Test
    void aHostnameTheCertificateDoesNotCarryFails() throws Exception {
        HttpResponse<String> r = get("wrong-host.test");

        assertThat(r.statusCode()).isBetween(500, 599);
        assertThat(served).hasValue(0);
    }

    @Test
    void aCertificateOfAnotherCaFails() throws Exception {
        HttpResponse<String> r = get("wrong-ca.test");

        assertThat(r.statusCode()).isBetween(500, 599);
        assertThat(served).hasValue(0);
    }

    @Test
    void aCaConfigMapThatDoesNotExistFailsAndIsReported() throws Exception {
        HttpResponse<String> r = get("no-ca.test");

        assertThat(r.statusCode()).isBetween(500, 599);
        assertThat(served).hasValue(0);
        assertThat(reported).anyMatch(m -> m.contains("BackendTLSPolicy/default/no-ca")
                && m.contains("ConfigMap default/nowhere does not exist"));
    }

    @Test
    void subjectAltNamesTheCertificateCarriesPassWhateverTheHostnameWhichIsSentAsSniOnly() throws Exception {
        HttpResponse<String> dns = get("san-dns.test");
        HttpResponse<String> uri = get("san-uri.test");

        assertThat(dns.statusCode()).isEqualTo(200);
        assertThat(dns.body()).isEqualTo("sni=sni.internal");
        assertThat(uri.statusCode()).isEqualTo(200);
        assertThat(uri.body()).isEqualTo("sni=sni.internal");
        assertThat(served).hasValue(2);
    }

    @Test
    void subjectAltNamesTheCertificateLacksFailEvenWithTheRightHostname() throws Exception {
        HttpResponse<String> r = get("san-wrong.test");

        assertThat(r.statusCode()).isBetween(500, 599);
        assertThat(served).hasValue(0);
    }

    @Test
    void aServiceWithoutPolicyIsSpokenToInClear() throws Exception {
        // the endpoint speaks TLS only: plain HTTP to it gets no HTTP answer, so the proxy answers 502
        HttpResponse<String> r = get("clear.test");

        assertThat(r.statusCode()).isBetween(500, 599);
        assertThat(served).hasValue(0);
    }
}
