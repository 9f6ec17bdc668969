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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingress-nginx's {@code proxy-ssl-server-name} with {@code proxy-ssl-name} through a real data plane to a real HTTPS
 * endpoint (the JDK's HTTPS server, which answers with the SNI name its client sent): {@code on} with a name sends
 * that name, as Breakwater always does; {@code off} with a name sends it all the same, and says so; {@code on}
 * without a name sends none to an endpoint that is an address, and says so.
 */
class LocalModeBackendSniTest {

    private static final TestPki PKI = TestPki.create("backend SNI test CA");

    @TempDir
    Path dir;
    private HttpsServer endpoint;
    private DataPlane proxy;
    private LocalMode local;
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        endpoint = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.setHttpsConfigurator(new HttpsConfigurator(serverContext(PKI.server("web.internal"))));
        endpoint.createContext("/", exchange -> {
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
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx")), reported::add);
        StringBuilder yaml = new StringBuilder("""
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  ports: [{name: https, port: 443}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: web-1, labels: {kubernetes.io/service-name: web}}
                addressType: IPv4
                ports: [{name: https, port: %d}]
                endpoints: [{addresses: ["127.0.0.1"]}]
                """.formatted(endpoint.getAddress().getPort()));
        yaml.append(ingress("sni-on", "proxy-ssl-name: web.internal", "proxy-ssl-server-name: \"on\""));
        yaml.append(ingress("sni-off", "proxy-ssl-name: web.internal", "proxy-ssl-server-name: \"off\""));
        yaml.append(ingress("nameless", "proxy-ssl-server-name: \"on\""));
        Files.writeString(dir.resolve("web.yaml"), yaml.toString());
        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
    }

    private static String ingress(String name, String... annotations) {
        StringBuilder a = new StringBuilder("    nginx.ingress.kubernetes.io/backend-protocol: HTTPS\n");
        for (String annotation : annotations) {
            a.append("    nginx.ingress.kubernetes.io/").append(annotation).append('\n');
        }
        return """
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                  annotations:
                %s
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: %s.localhost
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 443}}}}
                """.formatted(name, a.toString().stripTrailing(), name);
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
                .header("Host", host).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<String> about(String ingress) {
        return reported.stream().filter(m -> m.contains("Ingress/default/" + ingress + " ")
                && m.contains("proxy-ssl-server-name")).toList();
    }

    @Test
    void onWithANameSendsThatNameAsSni() throws Exception {
        HttpResponse<String> r = get("sni-on.localhost");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("sni=web.internal");
        assertThat(about("sni-on")).isEmpty();
    }

    @Test
    void offWithANameStillSendsItAndSaysSo() throws Exception {
        HttpResponse<String> r = get("sni-off.localhost");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("sni=web.internal");
        assertThat(about("sni-off")).as("reported: %s", reported).singleElement().satisfies(m -> assertThat(m)
                .contains("\"off\" is not applied: Breakwater sends nginx.ingress.kubernetes.io/proxy-ssl-name "
                        + "(\"web.internal\") as SNI to the endpoints"));
    }

    @Test
    void onWithoutANameSendsNoneToAnAddressAndSaysSo() throws Exception {
        HttpResponse<String> r = get("nameless.localhost");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("sni=(none)");
        assertThat(about("nameless")).singleElement().satisfies(m -> assertThat(m)
                .contains("no name is sent as SNI without nginx.ingress.kubernetes.io/proxy-ssl-name"));
    }
}
