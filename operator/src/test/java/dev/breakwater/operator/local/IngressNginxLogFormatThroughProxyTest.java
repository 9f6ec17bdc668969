package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.accesslog.AccessLogConfig;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.CompilerOptions;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log a real data plane writes for real requests, served by local mode with ingress-nginx's controller
 * ConfigMap: {@code log-format-upstream}'s values escaped as nginx's default ({@code \xHH}), as JSON strings with
 * {@code log-format-escape-json}, not at all with {@code log-format-escape-none} (which wins over the JSON one); and
 * the annotation {@code enable-access-log: "false"}, whose Ingress's requests write no line while the others do.
 */
class IngressNginxLogFormatThroughProxyTest {

    private static final String REF = "ingress-nginx/ingress-nginx-controller";
    private static final String AGENT = "agent \"quoted\" \\ end";

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
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1)
                .accessLog(AccessLogConfig.DEFAULTS.withFlushMillis(10)).accessLogOutput(accessLog).build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local().alsoServing(List.of("nginx"))
                .withControllerConfigMap(REF), reported::add);
        Files.writeString(dir.resolve("app.yaml"), LocalManifests.service("app", app.port())
                + NginxIngresses.ingress("shop", "shop.localhost", "app", Map.of())
                + NginxIngresses.ingress("quiet", "quiet.localhost", "app", Map.of("enable-access-log", "false")));
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        proxy.close();
        app.close();
    }

    private LocalMode.Reload configMap(String data) throws Exception {
        Files.writeString(dir.resolve("controller.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data:
                  log-format-upstream: '$host "$http_user_agent" $status $request_uri'
                """ + data.indent(2));
        LocalMode.Reload reload = local.reload();
        assertThat(reload.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(reload.messages()).noneMatch(m -> m.contains("log-format") || m.contains("enable-access-log"));
        return reload;
    }

    private void get(String host, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                .header("Host", host).header("User-Agent", AGENT).build();
        assertThat(HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
    }

    /** The lines written so far, once {@code n} of them are complete (within 10 s). */
    private List<String> awaitLines(int n) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            String text;
            synchronized (accessLog) {
                text = accessLog.toString(StandardCharsets.UTF_8);
            }
            List<String> lines = text.lines().toList();
            if (text.endsWith("\n") && lines.size() >= n) {
                return lines;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("fewer than " + n + " access-log lines were written");
    }

    @Test
    void withoutAnEscapeKeyValuesAreEscapedAsNginxDoes() throws Exception {
        configMap("");
        get("shop.localhost", "/a");

        assertThat(awaitLines(1)).containsExactly("shop.localhost \"agent \\x22quoted\\x22 \\x5C end\" 200 /a");
    }

    @Test
    void logFormatEscapeJsonEscapesValuesAsJsonStrings() throws Exception {
        configMap("log-format-escape-json: \"true\"\n");
        get("shop.localhost", "/b");

        assertThat(awaitLines(1)).containsExactly("shop.localhost \"agent \\\"quoted\\\" \\\\ end\" 200 /b");
    }

    @Test
    void logFormatEscapeNoneWritesValuesAsSentAndWinsOverJson() throws Exception {
        configMap("log-format-escape-json: \"true\"\nlog-format-escape-none: \"true\"\n");
        get("shop.localhost", "/c");

        assertThat(awaitLines(1)).containsExactly("shop.localhost \"agent \"quoted\" \\ end\" 200 /c");
    }

    @Test
    void enableAccessLogFalseWritesNoLineForItsIngress() throws Exception {
        configMap("");
        get("quiet.localhost", "/unlogged");
        get("shop.localhost", "/logged");
        get("quiet.localhost", "/unlogged-too");
        get("shop.localhost", "/logged-too");

        Thread.sleep(200);
        assertThat(awaitLines(2)).as("the quiet Ingress's requests reached the backend, unlogged")
                .containsExactly("shop.localhost \"agent \\x22quoted\\x22 \\x5C end\" 200 /logged",
                        "shop.localhost \"agent \\x22quoted\\x22 \\x5C end\" 200 /logged-too");
        assertThat(app.requests()).isEqualTo(4);
    }
}
