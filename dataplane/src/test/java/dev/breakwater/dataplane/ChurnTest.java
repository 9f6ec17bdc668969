package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.BackendProcess;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Retries;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * "Zero failed requests during change": 16 keep-alive clients send GETs for 35 seconds while the table is
 * re-applied every 100 ms and the endpoints churn as pods do. Backends are separate processes, so they can
 * be stopped and killed for real:
 *
 * <ul>
 *   <li>every cycle a new backend is started and added (ready), the oldest is marked terminating, then removed
 *       from the table, then its process is stopped (SIGTERM);</li>
 *   <li>in the first cycle a long request ({@code /slow/3000}) is in flight on the oldest endpoint when it is
 *       marked terminating and removed: it must complete with 200 (draining);</li>
 *   <li>in the second cycle the single backend of {@code victim.example.com} is killed (SIGKILL) in the
 *       middle of a large response: that request is the one deliberate failure;</li>
 *   <li>in the third cycle a ready backend is killed (SIGKILL) while still in the table: its GETs in flight
 *       are reset before their response head and retried, connections refused afterwards are retried, and
 *       outlier detection ejects it until it is removed from the table.</li>
 * </ul>
 *
 * Nothing but the deliberate request may fail.
 */
class ChurnTest {

    private static final Duration LOAD = Duration.ofSeconds(35);
    private static final int CLIENTS = 16;
    private static final long VICTIM_BYTES = 500_000_000L;
    private static final RoutePolicy ROUTE_POLICY = RoutePolicy.builder()
            .retries(new Retries(3, false, true, null, 50, 5)).build();
    private static final ClusterPolicy CLUSTER_POLICY = new ClusterPolicy(null, null,
            new ClusterPolicy.OutlierDetection(3, 1000, 5000, 50), 5000L, null);

    private final List<BackendProcess> processes = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    /** The "app" cluster's endpoints by backend, oldest first. Guarded by {@link #lock}. */
    private final Map<BackendProcess, Endpoint> app = new LinkedHashMap<>();
    /** The "pinned" cluster (host pinned.example.com): the first backend only, for the long request. */
    private final List<Endpoint> pinned = new ArrayList<>();
    /** The "victim" cluster (host victim.example.com): one backend, killed mid-response. */
    private final List<Endpoint> victim = new ArrayList<>();
    private long version;
    private DataPlane proxy;
    private long t0 = System.nanoTime();

    @Test
    void onlyTheRequestCutMidResponseFailsWhileEndpointsChurn() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        LongAdder sent = new LongAdder();
        LongAdder succeeded = new LongAdder();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> tickerErrors = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> byBackend = new ConcurrentHashMap<>();
        String longOutcome = "not sent";
        boolean longOk = false;
        String victimOutcome = "not sent";
        boolean victimFailed = false;
        try {
            List<CompletableFuture<BackendProcess>> starting = new ArrayList<>();
            for (String name : List.of("b1", "b2", "b3", "victim")) {
                starting.add(CompletableFuture.supplyAsync(() -> startBackend(name)));
            }
            List<BackendProcess> initial = new ArrayList<>();
            for (CompletableFuture<BackendProcess> f : starting) {
                initial.add(f.get(90, TimeUnit.SECONDS));
            }
            BackendProcess victimBackend = initial.remove(3);
            proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2).build().start();
            synchronized (lock) {
                for (BackendProcess b : initial) {
                    app.put(b, Endpoint.ready("127.0.0.1", b.port()));
                }
                pinned.add(Endpoint.ready("127.0.0.1", initial.get(0).port()));
                victim.add(Endpoint.ready("127.0.0.1", victimBackend.port()));
            }
            publish();
            HttpClient probe = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            assertThat(probe.send(get("/", null, "probe"), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);

            ticker.scheduleWithFixedDelay(() -> {
                try {
                    publish();
                } catch (Throwable e) {
                    tickerErrors.add(e.toString());
                }
            }, 100, 100, TimeUnit.MILLISECONDS);

            t0 = System.nanoTime();
            long loadEnd = t0 + LOAD.toNanos();
            for (int t = 0; t < CLIENTS; t++) {
                int client = t;
                Thread th = new Thread(() -> {
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    for (int n = 0; System.nanoTime() < loadEnd && !stop.get(); n++) {
                        String id = "churn-" + client + "-" + n;
                        long begun = System.nanoTime();
                        sent.increment();
                        try {
                            HttpResponse<String> r = http.send(get("/slow/10", null, id),
                                    HttpResponse.BodyHandlers.ofString());
                            String backend = r.headers().firstValue("x-backend").orElse("none");
                            if (r.statusCode() == 200 && r.body().contains("uri=/slow/10")) {
                                succeeded.increment();
                                byBackend.computeIfAbsent(backend, k -> new AtomicInteger()).incrementAndGet();
                            } else {
                                failures.add(describe(id, begun) + ": status " + r.statusCode() + ", x-backend "
                                        + backend + ", body: " + r.body().strip().replace('\n', '|'));
                            }
                        } catch (IOException e) {
                            failures.add(describe(id, begun) + ": " + causes(e));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "churn-client-" + t);
                th.start();
                clients.add(th);
            }

            HttpClient side = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            int next = 4;
            for (int cycle = 1; loadEnd - System.nanoTime() > TimeUnit.SECONDS.toNanos(8); cycle++) {
                BackendProcess fresh = startBackend("b" + next++);
                synchronized (lock) {
                    app.put(fresh, Endpoint.ready("127.0.0.1", fresh.port()));
                }
                publish();
                event("added " + fresh + " (ready)");
                Thread.sleep(1000);

                if (cycle == 2) {
                    String[] outcome = killMidResponse(side, victimBackend);
                    victimOutcome = outcome[0];
                    victimFailed = outcome[1] != null;
                }
                if (cycle == 3) {
                    BackendProcess target;
                    synchronized (lock) {
                        target = new ArrayList<>(app.keySet()).get(1); // ready, neither the oldest nor the newest
                    }
                    target.kill();
                    event("SIGKILL " + target + " while in the table");
                    Thread.sleep(2500);
                    remove(target);
                    event("removed killed " + target);
                }

                BackendProcess oldest;
                synchronized (lock) {
                    oldest = app.keySet().iterator().next();
                }
                CompletableFuture<HttpResponse<String>> longRequest = null;
                if (cycle == 1) {
                    assertThat(pinned).containsExactly(Endpoint.ready("127.0.0.1", oldest.port()));
                    longRequest = side.sendAsync(get("/slow/3000", "pinned.example.com", "churn-long"),
                            HttpResponse.BodyHandlers.ofString());
                    event("long request /slow/3000 sent to " + oldest);
                    Thread.sleep(300);
                }
                markTerminating(oldest);
                event("marked " + oldest + " terminating");
                Thread.sleep(1500);
                remove(oldest);
                event("removed " + oldest);
                Thread.sleep(1000);
                if (longRequest != null) {
                    try {
                        HttpResponse<String> r = longRequest.get(20, TimeUnit.SECONDS);
                        String backend = r.headers().firstValue("x-backend").orElse("none");
                        longOk = r.statusCode() == 200 && backend.equals(oldest.name());
                        longOutcome = "status " + r.statusCode() + " from " + backend;
                    } catch (Exception e) {
                        longOutcome = causes(e);
                    }
                    event("long request: " + longOutcome);
                }
                oldest.stop();
                event("stopped " + oldest + " (SIGTERM)");
            }
            long left = loadEnd - System.nanoTime();
            if (left > 0) {
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left));
            }
            for (Thread th : clients) {
                th.join(60_000);
            }
            event("load stopped");
        } finally {
            stop.set(true);
            ticker.shutdownNow();
            // a table application still running must end before the proxy closes under it
            ticker.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
            for (Thread th : clients) {
                th.join(60_000);
            }
            if (proxy != null) {
                proxy.close();
            }
            for (BackendProcess p : processes) {
                p.close();
            }
        }

        int deliberate = victimFailed ? 1 : 0;
        long requests = sent.sum() + 2; // the load, the long request and the victim's
        long failed = failures.size() + (longOk ? 0 : 1) + deliberate;
        System.out.println("churn timeline:");
        events.forEach(e -> System.out.println("  " + e));
        System.out.println("churn: answers by backend: " + new TreeMap<>(byBackend));
        System.out.println("churn: table versions applied: " + version);
        System.out.println("churn: long request: " + longOutcome + "; victim request: " + victimOutcome);
        String metrics = proxy.metrics().scrape();
        for (String line : metrics.split("\n")) {
            if (!line.startsWith("#") && (line.contains("retr") || line.contains("upstream_errors"))) {
                System.out.println("churn: metric " + line);
            }
        }
        failures.stream().limit(50).forEach(f -> System.out.println("churn: FAILED " + f));
        System.out.printf("churn: %d requests, %d failed (deliberate: %d)%n", requests, failed, deliberate);

        assertThat(tickerErrors).as("table applications that failed").isEmpty();
        assertThat(victimFailed).as("the request cut mid-response must fail (%s)", victimOutcome).isTrue();
        assertThat(longOk).as("the long request drained on its endpoint (%s)", longOutcome).isTrue();
        assertThat(failures).as("requests that failed").isEmpty();
        assertThat(failed).isEqualTo(deliberate);
        assertThat(succeeded.sum()).isEqualTo(sent.sum()).isGreaterThan(CLIENTS);
        assertThat(metrics).as("the killed backend's requests were retried")
                .contains("breakwater_upstream_retries_total{cluster=\"app\"}");
    }

    /**
     * Starts a large download from the victim backend, kills that backend (SIGKILL) after the first
     * megabyte, and reads on. Returns the outcome and, if the request failed as it must, its failure.
     */
    private String[] killMidResponse(HttpClient http, BackendProcess victimBackend) throws Exception {
        CountDownLatch midBody = new CountDownLatch(1);
        CountDownLatch killed = new CountDownLatch(1);
        CompletableFuture<String[]> download = CompletableFuture.supplyAsync(() -> {
            long read = 0;
            try {
                HttpResponse<InputStream> r = http.send(get("/bytes/" + VICTIM_BYTES, "victim.example.com",
                        "churn-victim"), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = r.body()) {
                    if (r.statusCode() != 200) {
                        return new String[] {"status " + r.statusCode(), "status " + r.statusCode()};
                    }
                    byte[] buf = new byte[65536];
                    int n;
                    while (read < 1 << 20 && (n = in.read(buf)) > 0) {
                        read += n;
                    }
                    midBody.countDown();
                    killed.await(30, TimeUnit.SECONDS);
                    while ((n = in.read(buf)) > 0) {
                        read += n;
                    }
                }
                if (read < VICTIM_BYTES) {
                    return new String[] {"truncated after " + read + " bytes", "truncated"};
                }
                return new String[] {"completed (" + read + " bytes)", null};
            } catch (IOException e) {
                return new String[] {"failed after " + read + " bytes: " + causes(e), causes(e)};
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new String[] {"interrupted", null};
            } finally {
                midBody.countDown();
            }
        });
        assertThat(midBody.await(30, TimeUnit.SECONDS)).as("victim download started").isTrue();
        event("victim download in progress; SIGKILL " + victimBackend);
        victimBackend.kill();
        killed.countDown();
        String[] outcome = download.get(60, TimeUnit.SECONDS);
        event("victim request: " + outcome[0]);
        synchronized (lock) {
            victim.clear();
        }
        publish();
        return outcome;
    }

    private BackendProcess startBackend(String name) {
        try {
            BackendProcess b = BackendProcess.start(name);
            processes.add(b);
            return b;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest get(String path, String host, String requestId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                .header("X-Request-Id", requestId)
                .timeout(Duration.ofSeconds(60));
        if (host != null) {
            b.header("Host", host);
        }
        return b.build();
    }

    private void markTerminating(BackendProcess b) {
        Endpoint terminating = new Endpoint("127.0.0.1", b.port(), 1, null, false, true, true);
        synchronized (lock) {
            app.replace(b, terminating);
            pinned.replaceAll(e -> e.port() == b.port() ? terminating : e);
        }
        publish();
    }

    private void remove(BackendProcess b) {
        synchronized (lock) {
            app.remove(b);
            pinned.removeIf(e -> e.port() == b.port());
        }
        publish();
    }

    /** Applies the current endpoints as the next table version. */
    private void publish() {
        synchronized (lock) {
            proxy.apply(table().withVersion(++version));
        }
    }

    private RoutingTable table() {
        return RoutingTable.of(
                List.of(new VirtualHost("victim.example.com", List.of(route("victim"))),
                        new VirtualHost("pinned.example.com", List.of(route("pinned"))),
                        new VirtualHost("*", List.of(route("app")))),
                List.of(new Cluster("app", Cluster.Protocol.HTTP1, List.copyOf(app.values()), null, CLUSTER_POLICY),
                        new Cluster("pinned", Cluster.Protocol.HTTP1, List.copyOf(pinned), null, CLUSTER_POLICY),
                        new Cluster("victim", Cluster.Protocol.HTTP1, List.copyOf(victim), null, CLUSTER_POLICY)));
    }

    private static Route route(String cluster) {
        return new Route(cluster, "test", RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to(cluster),
                ROUTE_POLICY);
    }

    private void event(String what) {
        events.add(String.format("t=%6.2fs %s", (System.nanoTime() - t0) / 1e9, what));
    }

    private String describe(String id, long begunNanos) {
        return String.format("%s (sent at t=%.2fs, took %d ms)", id, (begunNanos - t0) / 1e9,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begunNanos));
    }

    private static String causes(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
