package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.CompilerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code examples/cache} in local mode, its origin moved to a free port: cached under /assets, not elsewhere. */
class CacheExampleTest {

    @TempDir
    Path dir;

    @Test
    void theCacheExampleCachesAssetsOnly() throws Exception {
        Path example = Path.of(System.getProperty("user.dir")).getParent().resolve("examples/cache/cache.yaml");
        List<String> reported = new ArrayList<>();
        HttpClient client = HttpClient.newHttpClient();
        try (TestBackend origin = TestBackend.start("static")) {
            Files.writeString(dir.resolve("cache.yaml"),
                    Files.readString(example).replace("port: 9004", "port: " + origin.port()));
            DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1)
                    .build().start();
            try (LocalMode local = new LocalMode(dir, proxy::apply, CompilerOptions.local(), reported::add)) {
                assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
                assertThat(reported).isEmpty();
                List<String> statuses = new ArrayList<>();
                for (String path : List.of("/assets/app.js", "/assets/app.js", "/index.html", "/index.html")) {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                            .header("Host", "static.localhost").build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(200);
                    statuses.add(r.headers().firstValue("x-cache-status").orElse("-"));
                }
                assertThat(statuses).containsExactly("MISS", "HIT", "-", "-");
                assertThat(origin.requests()).isEqualTo(3);
            } finally {
                proxy.close();
            }
        }
    }
}
