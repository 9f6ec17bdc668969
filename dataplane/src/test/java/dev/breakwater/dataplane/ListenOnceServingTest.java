package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A data plane fed by an operator opens its HTTP and HTTPS ports only once it has a table to route by. */
class ListenOnceServingTest {

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void connectionsAreRefusedUntilTheFirstTableThenServed() throws Exception {
        int http = freePort();
        int https = freePort();
        try (TestBackend backend = TestBackend.start("a");
             DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(http).httpsPort(https)
                     .adminPort(0).workers(1).listenOnceServing(true).build().start()) {
            assertThat(proxy.httpPort()).isEqualTo(-1);
            assertThatThrownBy(() -> new RawHttp(http)).isInstanceOf(ConnectException.class);
            assertThatThrownBy(() -> RawHttp.tls(https, "a.test")).isInstanceOf(ConnectException.class);
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxy.adminPort() + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);

            proxy.apply(Tables.builder().cluster("a", backend).prefix("a.test", "/", "a").build());

            assertThat(proxy.httpPort()).isEqualTo(http);
            try (RawHttp raw = new RawHttp(http)) {
                assertThat(raw.send("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n").read().status()).isEqualTo(200);
            }
            try (RawHttp raw = RawHttp.tls(https, "a.test")) {
                assertThat(raw.send("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n").read().status()).isEqualTo(200);
            }
            // later tables change nothing of the listeners
            proxy.apply(Tables.builder().cluster("a", backend).prefix("a.test", "/", "a").prefix("b.test", "/", "a")
                    .build());
            assertThat(proxy.httpPort()).isEqualTo(http);
        }
    }
}
