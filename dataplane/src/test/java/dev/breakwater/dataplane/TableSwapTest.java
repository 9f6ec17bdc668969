package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.routing.RoutingTable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Requests flow without a single failure while the table is swapped over and over. */
class TableSwapTest {

    @Test
    void noRequestFailsWhileTheTableIsSwapped100Times() throws Exception {
        try (TestBackend a = TestBackend.start("a"); TestBackend b = TestBackend.start("b");
             DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2)
                     .build().start()) {
            // two tables that both serve /work, over different endpoint sets and with an extra route each
            RoutingTable both = Tables.builder().cluster("app", a, b).prefix("app.example.com", "/", "app")
                    .exact("app.example.com", "/extra-both", "app").build();
            RoutingTable onlyA = Tables.builder().cluster("app", a).prefix("app.example.com", "/work", "app")
                    .prefix("other.example.com", "/", "app").build();
            proxy.apply(both);

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int t = 0; t < 4; t++) {
                Thread th = new Thread(() -> {
                    while (running.get()) {
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + proxy.httpPort() + "/work/slow/2"))
                                    .header("Host", "app.example.com").build(), HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200 && r.body().contains("uri=/work/slow/2")) {
                                ok.incrementAndGet();
                            } else {
                                failures.add(r.statusCode() + " " + r.body());
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                });
                th.start();
                clients.add(th);
            }
            // one keep-alive connection that must stay open across every swap
            int keptAliveRequests = 0;
            try (RawHttp kept = new RawHttp(proxy.httpPort())) {
                for (int i = 1; i <= 100; i++) {
                    proxy.apply((i % 2 == 0 ? both : onlyA).withVersion(i));
                    Thread.sleep(20);
                    kept.send("GET /work/kept HTTP/1.1\r\nHost: app.example.com\r\n\r\n");
                    assertThat(kept.read().status()).isEqualTo(200);
                    keptAliveRequests++;
                }
            }
            running.set(false);
            for (Thread th : clients) {
                th.join();
            }

            assertThat(failures).as("failed requests").isEmpty();
            assertThat(ok.get()).isGreaterThan(200);
            assertThat(keptAliveRequests).isEqualTo(100);
            assertThat(proxy.table().version()).isEqualTo(100);
            System.out.printf("table swaps: 100, requests ok: %d, failed: %d%n", ok.get() + keptAliveRequests,
                    failures.size());
        }
    }
}
