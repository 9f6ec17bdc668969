package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.CompilerOptions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingress-nginx's {@code use-proxy-protocol} in local mode ({@code --configmap}), through a real data plane started
 * without {@code --proxy-protocol-from}, with raw sockets: a connection from a peer in {@code proxy-real-ip-cidr} that
 * begins with a PROXY protocol v1 header is served as the header's client, one without the header is closed; a
 * change of the ConfigMap applies to the connections accepted after it.
 */
class LocalModeProxyProtocolTest {

    @TempDir
    Path dir;
    private TestBackend app;
    private DataPlane proxy;
    private LocalMode local;

    @BeforeEach
    void start() throws Exception {
        app = TestBackend.start("app");
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1).build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx"))
                .withControllerConfigMap("ingress-nginx/ingress-nginx-controller"), m -> { });
        Files.writeString(dir.resolve("app.yaml"), LocalManifests.service("app", app.port()) + """
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: app}
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: app.localhost
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                """);
        writeConfigMap("true");
    }

    private void writeConfigMap(String useProxyProtocol) throws Exception {
        Files.writeString(dir.resolve("controller.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data:
                  use-proxy-protocol: "%s"
                  proxy-real-ip-cidr: 127.0.0.0/8
                """.formatted(useProxyProtocol));
        LocalMode.Reload reload = local.reload();
        assertThat(reload.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        if (useProxyProtocol.equals("true")) {
            assertThat(reload.messages()).isEmpty();
        } else {
            assertThat(reload.messages()).singleElement().satisfies(m -> assertThat(m)
                    .contains("data['proxy-real-ip-cidr']").contains("or use-proxy-protocol"));
        }
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        proxy.close();
        app.close();
    }

    /** Sends {@code bytes} on a new connection and reads until the proxy closes it. */
    private String exchange(String bytes) throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxy.httpPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(bytes.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            in.transferTo(got);
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: app.localhost\r\nConnection: close\r\n\r\n";

    @Test
    void aConnectionBeginningWithTheHeaderIsServedAsTheHeadersClient() throws Exception {
        String answer = exchange("PROXY TCP4 203.0.113.7 10.0.0.1 40000 80\r\n" + REQUEST);

        assertThat(answer).startsWith("HTTP/1.1 200");
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        assertThat(TestBackend.parse(body)).containsEntry("header.x-real-ip", "203.0.113.7")
                .containsEntry("header.x-forwarded-for", "203.0.113.7");
    }

    @Test
    void aConnectionWithoutTheHeaderIsClosedUnansweredAndServedOnceTheKeyIsOff() throws Exception {
        assertThat(exchange(REQUEST)).as("closed, no answer").isEmpty();
        assertThat(app.requests()).isZero();

        writeConfigMap("false");

        String answer = exchange(REQUEST);
        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(TestBackend.parse(answer.substring(answer.indexOf("\r\n\r\n") + 4)))
                .containsEntry("header.x-real-ip", "127.0.0.1");
    }
}
