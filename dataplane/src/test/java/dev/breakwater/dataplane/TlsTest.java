package dev.breakwater.dataplane;

import dev.breakwater.dataplane.settings.ProxyConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.dataplane.testing.H2Client;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.routing.ClientAuth;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTPS listener with real TLS: certificates made by BouncyCastle here, JDK clients. */
class TlsTest {

    private final TestPki pki = TestPki.create("Test CA");
    private TestBackend backend;
    private DataPlane proxy;

    @BeforeEach
    void start() throws Exception {
        backend = TestBackend.start("app");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(2)
                .config(ProxyConfig.defaults().withPublicHttpsPort(8443))
                .build().start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        backend.close();
    }

    private Tables site() {
        return Tables.builder().cluster("app", backend)
                .prefix("a.example.com", "/", "app").prefix("b.example.com", "/", "app")
                .prefix("x.wild.example.com", "/", "app").prefix("*.wild.example.com", "/", "app");
    }

    /** Opens a TLS connection with the given SNI name and returns the server's leaf certificate. */
    private X509Certificate handshake(String sni) throws Exception {
        try (SSLSocket s = (SSLSocket) TestPki.trustAll().getSocketFactory().createSocket("127.0.0.1", proxy.httpsPort())) {
            if (sni != null) {
                SSLParameters p = s.getSSLParameters();
                p.setServerNames(List.of(new SNIHostName(sni)));
                s.setSSLParameters(p);
            }
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private static String cn(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }

    @Test
    void selectsTheCertificateBySniExactThenWildcardThenDefault() throws Exception {
        proxy.apply(Tables.builder().build(List.of(
                pki.server("a.example.com").forHosts("default/a", "a.example.com"),
                pki.server("*.wild.example.com").forHosts("default/wild", "*.wild.example.com"))));

        assertThat(cn(handshake("a.example.com"))).contains("CN=a.example.com");
        assertThat(cn(handshake("x.wild.example.com"))).contains("CN=*.wild.example.com");
        assertThat(cn(handshake("y.x.wild.example.com"))).contains("breakwater.invalid");
        assertThat(cn(handshake("unknown.example.com"))).contains("breakwater.invalid");
        assertThat(cn(handshake(null))).contains("breakwater.invalid");
        assertThat(proxy.tlsProvider()).isIn("OPENSSL", "JDK");
    }

    @Test
    void aCertificateForStarServesEveryNameNoOtherCertificateServesInsteadOfTheDefault() throws Exception {
        // a Gateway's HTTPS listener without hostname: its certificate is the one for every other name
        proxy.apply(Tables.builder().build(List.of(
                pki.server("a.example.com").forHosts("default/a", "a.example.com"),
                pki.server("any.example.org").forHosts("default/any", "*"))));

        assertThat(cn(handshake("a.example.com"))).contains("CN=a.example.com");
        assertThat(cn(handshake("unknown.example.com"))).contains("CN=any.example.org");
        assertThat(cn(handshake(null))).contains("CN=any.example.org");

        proxy.apply(Tables.builder().build(List.of(pki.server("a.example.com").forHosts("default/a",
                "a.example.com"))));
        assertThat(cn(handshake("unknown.example.com"))).contains("breakwater.invalid");
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void opensslSeesTheCertificateOfTheSniNameAndCurlSpeaksHttp2() throws Exception {
        proxy.apply(site().build(List.of(pki.server("a.example.com").forHosts("default/a", "a.example.com"),
                pki.server("*.wild.example.com").forHosts("default/wild", "*.wild.example.com"))));
        String port = Integer.toString(proxy.httpsPort());

        assertThat(run("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", "a.example.com"))
                .contains("s:CN = a.example.com");
        assertThat(run("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", "x.wild.example.com"))
                .contains("s:CN = *.wild.example.com");
        assertThat(run("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", "nobody.example.org"))
                .contains("s:CN = breakwater.invalid");
        String curl = run("curl", "-sk", "--http2", "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                "--resolve", "a.example.com:" + port + ":127.0.0.1", "https://a.example.com:" + port + "/");
        assertThat(curl).isEqualTo("2 200");
    }

    @Test
    void readsKeysInEveryPemForm() throws Exception {
        for (TestPki.KeyForm form : TestPki.KeyForm.values()) {
            TestPki.Issued cert = pki.issue(form, Duration.ofDays(5), "k.example.com", "k.example.com");
            proxy.apply(Tables.builder().build(List.of(cert.forHosts("default/k", "k.example.com"))));

            assertThat(handshake("k.example.com")).as(form.name()).isEqualTo(cert.certificate());
        }
    }

    @Test
    void servesHttp11AndHttp2OverTlsWithAVerifiedCertificate() throws Exception {
        proxy.apply(site().build(List.of(pki.server("a.example.com").forHosts("default/a", "a.example.com"))));
        SSLContext trust = pki.clientContext(null);
        for (HttpClient.Version v : HttpClient.Version.values()) {
            HttpClient client = HttpClient.newBuilder().version(v).sslContext(trust).build();
            // the JDK client sends SNI from the URI host: resolve a.example.com to 127.0.0.1 through the Host
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("https://a.example.com:" + proxy.httpsPort() + "/v?x=1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(v);
            assertThat(r.statusCode()).isEqualTo(200);
            Map<String, String> seen = TestBackend.parse(r.body());
            assertThat(seen).containsEntry("uri", "/v?x=1").containsEntry("header.x-forwarded-proto", "https")
                    .doesNotContainKey("header.x-http2-stream-id").doesNotContainKey("header.x-http2-scheme");
        }
    }

    @Test
    void aRotatedCertificateReachesNewHandshakesWhileOpenConnectionsKeepWorking() throws Exception {
        TestPki.Issued first = pki.server("a.example.com");
        TestPki.Issued second = pki.server("a.example.com");
        proxy.apply(site().build(List.of(first.forHosts("default/a", "a.example.com"))));
        try (SSLSocket open = (SSLSocket) pki.clientContext(null).getSocketFactory()
                .createSocket("127.0.0.1", proxy.httpsPort())) {
            SSLParameters p = open.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName("a.example.com")));
            open.setSSLParameters(p);
            open.startHandshake();
            assertThat(open.getSession().getPeerCertificates()[0]).isEqualTo(first.certificate());
            assertThat(request(open)).startsWith("HTTP/1.1 200");

            proxy.apply(site().build(List.of(second.forHosts("default/a", "a.example.com"))).withVersion(2));

            assertThat(handshake("a.example.com")).isEqualTo(second.certificate());
            assertThat(request(open)).startsWith("HTTP/1.1 200");
        }
    }

    private static String request(SSLSocket s) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write("GET /ping HTTP/1.1\r\nHost: a.example.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        String status = in.readLine();
        int length = 0;
        String line;
        while (!(line = in.readLine()).isEmpty()) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            read += in.read(body, read, length - read);
        }
        return status;
    }

    @Test
    void theStreamsOfOneHttp2ConnectionTimeOutSideBySideWhileTheOthersAreAnswered() throws Exception {
        proxy.apply(Tables.builder().cluster("app", backend)
                .route("a.example.com", PathMatch.prefix("/"), RouteAction.Forward.to("app"),
                        RoutePolicy.builder().responseTimeoutMillis(700L).build())
                .build(List.of(pki.server("a.example.com").forHosts("default/a", "a.example.com"))));
        try (H2Client h2 = new H2Client(proxy.httpsPort(), "a.example.com")) {
            // three streams at once on one connection, their calls under the connection's one timer
            CompletableFuture<H2Client.Answer> slow1 = CompletableFuture.supplyAsync(() -> get(h2, "/slow/4000"));
            CompletableFuture<H2Client.Answer> slow2 = CompletableFuture.supplyAsync(() -> get(h2, "/slow/4000"));
            CompletableFuture<H2Client.Answer> quick = CompletableFuture.supplyAsync(() -> get(h2, "/slow/100"));

            assertThat(quick.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(slow1.get(10, TimeUnit.SECONDS).status()).isEqualTo(504);
            assertThat(slow2.get(10, TimeUnit.SECONDS).status()).isEqualTo(504);
            assertThat(slow1.get().body()).contains("did not answer in time");
            // and the connection goes on serving, a later call armed anew
            assertThat(get(h2, "/later").status()).isEqualTo(200);
            assertThat(get(h2, "/slow/4000").status()).isEqualTo(504);
        }
    }

    private static H2Client.Answer get(H2Client h2, String path) {
        try {
            return h2.send(new DefaultHttp2Headers().method("GET").scheme("https").authority("a.example.com")
                    .path(path), null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void redirectsPlainHttpWith308AndAddsHstsOverHttps() throws Exception {
        RoutePolicy secure = RoutePolicy.builder().httpsRedirect(true)
                .hsts(new RoutePolicy.Hsts(31536000, true, false)).build();
        proxy.apply(Tables.builder().cluster("app", backend)
                .route("a.example.com", PathMatch.prefix("/"), RouteAction.Forward.to("app"), secure)
                .build(List.of(pki.server("a.example.com").forHosts("default/a", "a.example.com"))));
        HttpClient plain = HttpClient.newHttpClient();

        HttpResponse<String> r = plain.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + proxy.httpPort() + "/p?q=1"))
                .header("Host", "a.example.com:8080").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(308);
        assertThat(r.headers().firstValue("location")).hasValue("https://a.example.com:8443/p?q=1");
        HttpResponse<String> s = HttpClient.newBuilder().sslContext(pki.clientContext(null)).build()
                .send(HttpRequest.newBuilder(URI.create("https://a.example.com:" + proxy.httpsPort() + "/"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(s.statusCode()).isEqualTo(200);
        assertThat(s.headers().firstValue("strict-transport-security")).hasValue("max-age=31536000; includeSubDomains");
    }

    @Test
    void clientCertificatesAreVerifiedAndTheirSubjectPassedUpstream() throws Exception {
        TestPki clients = TestPki.create("Client CA");
        ClientAuth auth = new ClientAuth(clients.caPem(), true);
        RoutingTable table = RoutingTable.of(
                List.of(new VirtualHost("a.example.com", site().build().virtualHosts().get(0).routes(), auth),
                        site().build().virtualHosts().get(1)),
                site().build().clusters(),
                List.of(pki.server("a.example.com", "b.example.com")
                        .forHosts("default/ab", "a.example.com", "b.example.com")));
        proxy.apply(table);
        URI uri = URI.create("https://a.example.com:" + proxy.httpsPort() + "/");
        SSLContext withCert = combined(pki, clients.client("alice"));

        HttpResponse<String> ok = HttpClient.newBuilder().sslContext(withCert).build()
                .send(HttpRequest.newBuilder(uri).header("ssl-client-subject-dn", "CN=forged").build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(TestBackend.parse(ok.body())).containsEntry("header.ssl-client-verify", "SUCCESS")
                .containsEntry("header.ssl-client-subject-dn", "O=Test,CN=alice");

        // without a certificate the handshake is refused; with TLS 1.3 the client may only notice when it
        // waits for an answer, hence the bound (a timeout is an IOException too)
        int before = backend.requests();
        assertThatThrownBy(() -> HttpClient.newBuilder().sslContext(pki.clientContext(null)).build()
                .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOfAny(SSLHandshakeException.class, java.io.IOException.class);
        assertThat(backend.requests()).as("nothing reached the endpoint").isEqualTo(before);

        // SNI for b.example.com (no client certificate asked), then Host a.example.com: refused
        HttpResponse<String> misdirected = HttpClient.newBuilder().sslContext(pki.clientContext(null))
                .version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(URI.create("https://b.example.com:" + proxy.httpsPort() + "/"))
                        .header("Host", "a.example.com").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(misdirected.statusCode()).isEqualTo(421);
    }

    @Test
    void aRouteThatPassesTheCertificateSendsItPercentEncodedAndAForgedOneNever() throws Exception {
        TestPki clients = TestPki.create("Client CA");
        ClientAuth auth = new ClientAuth(clients.caPem(), false);
        List<dev.breakwater.routing.Route> passing = site().build().virtualHosts().get(0).routes().stream()
                .map(r -> new dev.breakwater.routing.Route(r.name(), r.source(), r.match(), r.action(),
                        r.policy().toBuilder().passClientCertificate(true).build(), r.filters())).toList();
        proxy.apply(RoutingTable.of(List.of(new VirtualHost("a.example.com", passing, auth)),
                site().build().clusters(), List.of(pki.server("a.example.com").forHosts("default/a",
                        "a.example.com"))));
        URI uri = URI.create("https://a.example.com:" + proxy.httpsPort() + "/");
        TestPki.Issued alice = clients.client("alice");

        HttpResponse<String> ok = HttpClient.newBuilder().sslContext(combined(pki, alice)).build()
                .send(HttpRequest.newBuilder(uri).header("ssl-client-cert", "forged").build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        String sent = TestBackend.parse(ok.body()).get("header.ssl-client-cert");
        assertThat(sent).startsWith("-----BEGIN%20CERTIFICATE-----%0A").endsWith("-----END%20CERTIFICATE-----%0A")
                .doesNotContain("+", "/", "=", " ", "\n");
        String pem = java.net.URLDecoder.decode(sent, StandardCharsets.UTF_8);
        X509Certificate passed = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        assertThat(passed).isEqualTo(alice.certificate());

        HttpResponse<String> without = HttpClient.newBuilder().sslContext(pki.clientContext(null)).build()
                .send(HttpRequest.newBuilder(uri).header("ssl-client-cert", "forged").build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(TestBackend.parse(without.body())).containsEntry("header.ssl-client-verify", "NONE")
                .doesNotContainKey("header.ssl-client-cert");
    }

    /** Trusts the server CA and presents a client certificate of another CA. */
    private static SSLContext combined(TestPki serverCa, TestPki.Issued client) throws Exception {
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("c", client.keys().getPrivate(), "x".toCharArray(),
                new X509Certificate[] {client.certificate()});
        kmf.init(ks, "x".toCharArray());
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", serverCa.ca());
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Whether openssl s_client resumes the session of a first connection on a second one. */
    private static boolean resumes(int port) throws Exception {
        java.nio.file.Path sess = java.nio.file.Files.createTempFile("sess", ".pem");
        Process first = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername",
                "a.example.com", "-sess_out", sess.toString(), "-ign_eof").redirectErrorStream(true).start();
        first.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.example.com\r\nConnection: close\r\n\r\n".getBytes());
        first.getOutputStream().close();
        first.getInputStream().readAllBytes();
        first.waitFor();
        Process second = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername",
                "a.example.com", "-sess_in", sess.toString()).redirectErrorStream(true).start();
        second.getOutputStream().close();
        String out = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        second.waitFor();
        return out.lines().anyMatch(l -> l.startsWith("Reused,"));
    }

    @Test
    void resumesSessionsByDefaultAndCanTurnResumptionOff() throws Exception {
        proxy.apply(site().build(List.of(pki.server("a.example.com").forHosts("default/a", "a.example.com"))));
        assertThat(resumes(proxy.httpsPort())).as("resumed with defaults").isTrue();
        assertThat(proxy.metrics().scrape()).as("the first handshake was new, the second resumed")
                .containsPattern("breakwater_tls_handshakes_total\\{protocol=\"http/1.1\",resumed=\"false\"\\} 1.0")
                .containsPattern("breakwater_tls_handshakes_total\\{protocol=\"http/1.1\",resumed=\"true\"\\} 1.0");

        try (DataPlane full = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0)
                .tlsSessionResumption(false).build().start()) {
            full.apply(site().build(List.of(pki.server("a.example.com").forHosts("default/a", "a.example.com"))));
            assertThat(resumes(full.httpsPort())).as("resumed with resumption off").isFalse();
        }
    }

    @Test
    void aBadCertificateIsRefusedAndTheCurrentTableKeepsServing() throws Exception {
        proxy.apply(site().build(List.of(pki.server("a.example.com").forHosts("default/a", "a.example.com"))));
        RoutingTable bad = site().build(List.of(new dev.breakwater.routing.Certificate("default/bad",
                List.of("a.example.com"), "not a pem", "nor this")));

        assertThatThrownBy(() -> proxy.apply(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("default/bad");
        assertThat(cn(handshake("a.example.com"))).contains("CN=a.example.com");
        List<String> ok = new ArrayList<>();
        ok.add("still serving");
        assertThat(ok).hasSize(1);
    }
}
