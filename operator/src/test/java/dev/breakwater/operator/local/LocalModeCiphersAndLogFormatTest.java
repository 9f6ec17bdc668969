package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.accesslog.AccessLogConfig;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.operator.compile.CompilerOptions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller ConfigMap's {@code ssl-ciphers} and {@code log-format-upstream} in local mode, through a real data
 * plane: openssl s_client offered one TLS 1.2 suite at a time (what the string names is served, what it leaves out is
 * refused, TLS 1.3 is untouched), and curl's requests written to the access log in the ConfigMap's format.
 */
class LocalModeCiphersAndLogFormatTest {

    private static final TestPki PKI = TestPki.create("Ciphers test CA");
    private static final String REF = "ingress-nginx/ingress-nginx-controller";

    @TempDir
    Path dir;
    private TestBackend app;
    private DataPlane proxy;
    private LocalMode local;
    private final ByteArrayOutputStream accessLog = new ByteArrayOutputStream();
    private final List<String> reported = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        app = TestBackend.start("app");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(1)
                .accessLog(AccessLogConfig.DEFAULTS.withFlushMillis(10)).accessLogOutput(accessLog).build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx"))
                .withControllerConfigMap(REF), reported::add);
        TestPki.Issued cert = PKI.issue(TestPki.KeyForm.RSA_PKCS8, Duration.ofDays(2), "shop.test", "shop.test");
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
                metadata: {name: shop-tls}
                type: kubernetes.io/tls
                stringData:
                  tls.crt: |
                %s
                  tls.key: |
                %s
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: shop
                  namespace: default
                  annotations: {nginx.ingress.kubernetes.io/ssl-redirect: "false"}
                spec:
                  ingressClassName: nginx
                  tls: [{hosts: [shop.test], secretName: shop-tls}]
                  rules:
                  - host: shop.test
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

    private void writeConfigMap(String data) throws Exception {
        Files.writeString(dir.resolve("controller.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data:
                """ + data.indent(2));
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** The suite openssl s_client negotiated offering only {@code cipher} in TLS 1.2, or null when refused. */
    private String tls12(String cipher) throws Exception {
        String out = run("openssl", "s_client", "-connect", "127.0.0.1:" + proxy.httpsPort(), "-servername",
                "shop.test", "-tls1_2", "-cipher", cipher + ":@SECLEVEL=0");
        return out.lines().filter(l -> l.contains("Cipher is ")).map(l -> l.substring(l.indexOf("Cipher is ") + 10))
                .filter(c -> !c.equals("(NONE)")).findFirst().orElse(null);
    }

    @Test
    void sslCiphersSetTheTls12SuitesServedAndLeaveTls13AsItIs() throws Exception {
        writeConfigMap("");
        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(tls12("ECDHE-RSA-AES128-GCM-SHA256")).as("without the key").isEqualTo(
                "ECDHE-RSA-AES128-GCM-SHA256");
        assertThat(tls12("ECDHE-RSA-AES128-SHA")).as("CBC is not offered by default").isNull();

        writeConfigMap("ssl-ciphers: ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-SHA:DHE-RSA-AES128-GCM-SHA256");
        LocalMode.Reload reload = local.reload();
        assertThat(reload.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(reload.messages()).anySatisfy(m -> assertThat(m).contains("ConfigMap/" + REF)
                .contains("data['ssl-ciphers']").contains("DHE-RSA-AES128-GCM-SHA256").contains("not served"));

        assertThat(tls12("ECDHE-RSA-AES256-GCM-SHA384")).isEqualTo("ECDHE-RSA-AES256-GCM-SHA384");
        assertThat(tls12("ECDHE-RSA-AES128-SHA")).as("named, so served").isEqualTo("ECDHE-RSA-AES128-SHA");
        assertThat(tls12("ECDHE-RSA-AES128-GCM-SHA256")).as("left out of the string").isNull();
        assertThat(run("openssl", "s_client", "-connect", "127.0.0.1:" + proxy.httpsPort(), "-servername",
                "shop.test", "-tls1_3")).as("TLS 1.3 is not set by ssl-ciphers").contains("TLSv1.3")
                .containsPattern("Cipher is TLS_(AES|CHACHA20)");
        assertThat(run("curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "--resolve",
                "shop.test:" + proxy.httpsPort() + ":127.0.0.1", "https://shop.test:" + proxy.httpsPort() + "/"))
                .isEqualTo("200");
    }

    @Test
    void logFormatUpstreamWritesEachRequestInTheConfigMapsFormat() throws Exception {
        writeConfigMap("""
                log-format-upstream: '$remote_addr - $remote_user "$request" $status $body_bytes_sent "$http_user_agent" \
                $request_time [$proxy_upstream_name] $upstream_addr $upstream_status $namespace/$ingress_name $req_id'
                """);
        LocalMode.Reload reload = local.reload();
        assertThat(reload.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(reload.messages()).anySatisfy(m -> assertThat(m).contains("data['log-format-upstream']")
                .contains("$remote_user has no equivalent"));

        assertThat(run("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-A", "curl \"quoted\"", "-H",
                "X-Request-ID: req-42", "-H", "Host: shop.test", "http://127.0.0.1:" + proxy.httpPort()
                        + "/cart?id=7")).isEqualTo("200");

        String line = awaitLine();
        assertThat(line).matches("127\\.0\\.0\\.1 - - \"GET /cart\\?id=7 HTTP/1\\.1\" 200 \\d+ "
                + "\"curl \\\\x22quoted\\\\x22\" \\d+\\.\\d{3} \\[[^ \\]]+\\] 127\\.0\\.0\\.1:" + app.port()
                + " 200 default/shop req-42");
    }

    private String awaitLine() throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            String text;
            synchronized (accessLog) {
                text = accessLog.toString(StandardCharsets.UTF_8);
            }
            if (text.endsWith("\n")) {
                return text.lines().reduce((a, b) -> b).orElseThrow();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no access-log line was written");
    }
}
