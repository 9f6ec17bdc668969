package dev.breakwater.operator.local;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.proxyprotocol.TrustedSources;
import dev.breakwater.dataplane.testing.AuthServer;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.CompilerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The world of {@code src/test/resources/ingress-nginx-world}: its backends ({@code app}, the canary {@code shop-v2},
 * {@code custom-errors}) and an oauth2-proxy-like authentication server on 127.0.0.1, the fixture files copied into a
 * folder with their {@code ${APP_PORT}}-style placeholders filled, and that folder served by local mode through a
 * real data plane. Shared by the tests that serve the fixture as it is and as ingress2gateway converted it.
 */
final class IngressNginxWorld implements AutoCloseable {

    static final Path FIXTURES = Path.of("src", "test", "resources", "ingress-nginx-world");

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private final TestBackend app;
    private final TestBackend canary;
    private final TestBackend errors;
    private final AuthServer auth;
    private final Map<String, String> values;

    private IngressNginxWorld(TestBackend app, TestBackend canary, TestBackend errors, AuthServer auth) {
        this.app = app;
        this.canary = canary;
        this.errors = errors;
        this.auth = auth;
        this.values = Map.of("APP_PORT", String.valueOf(app.port()), "CANARY_PORT", String.valueOf(canary.port()),
                "ERRORS_PORT", String.valueOf(errors.port()), "AUTH_URL", auth.url("/oauth2/auth"));
    }

    /** Starts the backends and the authentication server. */
    static IngressNginxWorld start() {
        return new IngressNginxWorld(TestBackend.start("app"), TestBackend.start("shop-v2"),
                TestBackend.start("custom-errors"), AuthServer.start());
    }

    /** Copies the {@code *.yaml} files of {@code from} (a folder) or {@code from} itself (a file) into {@code dir}. */
    IngressNginxWorld copy(Path from, Path dir) throws IOException {
        if (!Files.isDirectory(from)) {
            write(from, dir);
            return this;
        }
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                write(f, dir);
            }
        }
        return this;
    }

    private void write(Path file, Path dir) throws IOException {
        String yaml = Files.readString(file);
        for (Map.Entry<String, String> v : values.entrySet()) {
            yaml = yaml.replace("${" + v.getKey() + "}", v.getValue());
        }
        Files.writeString(dir.resolve(file.getFileName()), yaml);
    }

    /** Serves {@code dir} through a new data plane on an ephemeral port of 127.0.0.1. */
    static Served serve(Path dir, CompilerOptions options) throws Exception {
        return serve(dir, options, TrustedSources.NONE);
    }

    /**
     * As {@link #serve(Path, CompilerOptions)}, connections from {@code proxyProtocolFrom} beginning with a PROXY
     * protocol header that gives the client's address (so that a test on 127.0.0.1 can be a client from elsewhere).
     */
    static Served serve(Path dir, CompilerOptions options, TrustedSources proxyProtocolFrom) throws Exception {
        DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1)
                .proxyProtocolFrom(proxyProtocolFrom).build().start();
        LocalMode local = new LocalMode(dir, proxy::apply, options, m -> { });
        return new Served(proxy, local, local.reload());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        auth.close();
        app.close();
        canary.close();
        errors.close();
    }

    /** A folder served: its data plane, its local mode and what the first reading of the folder gave. */
    record Served(DataPlane proxy, LocalMode local, LocalMode.Reload loaded) implements AutoCloseable {

        /** A GET with this Host and these header name, value pairs, redirects not followed. */
        HttpResponse<String> get(String host, String path, String... headers) throws Exception {
            return send("GET", host, path, headers);
        }

        /** A request without a body of this method, Host and these header name, value pairs. */
        HttpResponse<String> send(String method, String host, String path, String... headers) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                    .method(method, HttpRequest.BodyPublishers.noBody()).header("Host", host);
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public void close() throws Exception {
            local.close();
            proxy.close();
        }
    }
}
