package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.cache.CacheConfig;
import dev.breakwater.dataplane.cache.DiskTier;
import dev.breakwater.dataplane.cache.DiskTierConfig;
import dev.breakwater.dataplane.testing.LeakGuard;
import dev.breakwater.dataplane.testing.ScriptedOrigin;
import dev.breakwater.routing.CachePolicy;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache's disk tier through real sockets: a data plane whose memory is too small for what it stores (so it
 * spills to disk, and large responses go there at once), closed, and a fresh data plane on the same directory
 * answering from it, with the same bodies, header fields and a correct {@code Age}; files corrupted or truncated
 * between the two are dropped, never served.
 */
@ExtendWith(LeakGuard.class)
class ResponseCacheDiskTest {

    /** Memory for about six small entries; larger than 8 KiB goes to disk directly. */
    private static final long MEMORY = 16 << 10;
    private static final long THRESHOLD = 8 << 10;

    @TempDir
    Path dir;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ResponseCacheTest.TestClock clock = new ResponseCacheTest.TestClock();
    private ScriptedOrigin origin;
    private DataPlane proxy;
    /** What the origin answers each path with now. */
    private final java.util.Map<String, String> bodies = new java.util.HashMap<>();

    @BeforeEach
    void start() {
        origin = ScriptedOrigin.start();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        origin.close();
    }

    private DataPlane startProxy(long diskBytes) throws Exception {
        DataPlane p = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2)
                .cache(CacheConfig.DEFAULTS.withClock(clock).withMaxBytes(MEMORY)
                        .withDisk(new DiskTierConfig(dir, diskBytes, THRESHOLD)))
                .build().start();
        p.apply(RoutingTable.of(List.of(new VirtualHost("cache.test", List.of(new Route("cache.test", "test",
                        RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("origin"),
                        RoutePolicy.DEFAULTS.withCache(CachePolicy.DEFAULTS))))),
                List.of(new Cluster("origin", Cluster.Protocol.HTTP1,
                        List.of(Endpoint.ready("127.0.0.1", origin.port()))))));
        return p;
    }

    private void restart() throws Exception {
        proxy.close();
        proxy = startProxy(1L << 20);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(path, "GET");
    }

    private HttpResponse<String> send(String path, String method) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                .header("Host", "cache.test").method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String status(HttpResponse<?> r) {
        return r.headers().firstValue("x-cache-status").orElse("none");
    }

    /** A body of about {@code bytes} that names its path, so that its file can be found. */
    private static String body(String path, int bytes) {
        String head = "<" + path + ">";
        return head + "x".repeat(Math.max(0, bytes - head.length()));
    }

    private void script(String path, String body) {
        bodies.put(path, body);
        origin.on(path, 200, body, "Date", clock.httpDate(0), "Cache-Control", "max-age=600",
                "ETag", "\"" + path.hashCode() + "\"", "Content-Type", "text/plain");
    }

    /** The entry file whose bytes contain this path's marker. */
    private Path fileOf(String path) throws Exception {
        byte[] marker = ("<" + path + ">").getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (indexOf(Files.readAllBytes(f), marker) >= 0) {
                    return f;
                }
            }
        }
        throw new AssertionError("no file holds " + path);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void aFullCacheIsAnsweredFromDiskAfterARestart() throws Exception {
        proxy = startProxy(1L << 20);
        List<String> paths = new ArrayList<>();
        paths.add("/large");
        script("/large", body("/large", 20_000)); // above the threshold: disk only
        for (int i = 0; i < 12; i++) {
            String p = "/small-" + i;
            paths.add(p);
            script(p, body(p, 2_000)); // twelve of these do not fit in memory
        }
        for (String p : paths) {
            assertThat(status(get(p))).isEqualTo("MISS");
        }
        proxy.cache().cleanUp();
        DiskTier disk = proxy.cache().disk();
        assertThat(disk.entries()).as("the large one and what memory evicted").isGreaterThan(1);
        for (String p : paths) {
            HttpResponse<String> again = get(p);
            assertThat(status(again)).as(p).isEqualTo("HIT");
            assertThat(again.body()).isEqualTo(bodies.get(p));
        }

        restart();
        clock.advance(Duration.ofSeconds(7));
        for (String p : paths) {
            HttpResponse<String> r = get(p);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(status(r)).as(p).isEqualTo("HIT");
            assertThat(r.body()).as(p).isEqualTo(bodies.get(p));
            assertThat(r.headers().firstValue("etag")).hasValue("\"" + p.hashCode() + "\"");
            assertThat(r.headers().firstValue("content-type")).hasValue("text/plain");
            assertThat(r.headers().firstValue("content-length")).hasValue(String.valueOf(r.body().length()));
            assertThat(r.headers().firstValue("age")).as("the age it had, plus the time since").hasValue("7");
            assertThat(origin.hits(p)).as(p + " reached the origin once, before the restart").isEqualTo(1);
        }
        assertThat(proxy.cache().disk().reads()).isEqualTo(paths.size());
        assertThat(proxy.cache().disk().dropped()).isZero();
    }

    @Test
    void aCorruptOrTruncatedFileIsDroppedNeverServed() throws Exception {
        proxy = startProxy(1L << 20);
        for (String p : List.of("/flipped", "/truncated", "/intact")) {
            script(p, body(p, 12_000));
            get(p);
        }
        proxy.close();
        Path flipped = fileOf("/flipped");
        byte[] bytes = Files.readAllBytes(flipped);
        bytes[bytes.length - 100] ^= 0x20; // one bit of the body: only the checksum can tell
        Files.write(flipped, bytes);
        Path truncated = fileOf("/truncated");
        try (FileChannel ch = FileChannel.open(truncated, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 10);
        }
        for (String p : List.of("/flipped", "/truncated")) {
            script(p, body(p, 12_000).replace('x', 'y')); // what the origin says now
        }

        proxy = startProxy(1L << 20);
        assertThat(proxy.cache().disk().dropped()).as("the truncated file, at start").isEqualTo(1);
        for (String p : List.of("/flipped", "/truncated")) {
            HttpResponse<String> r = get(p);
            assertThat(status(r)).as(p).isEqualTo("MISS");
            assertThat(r.body()).as(p + ": the origin's, not the damaged file's").isEqualTo(body(p, 12_000)
                    .replace('x', 'y'));
            assertThat(origin.hits(p)).isEqualTo(2);
        }
        assertThat(proxy.cache().disk().dropped()).as("and the flipped one, when read").isEqualTo(2);
        HttpResponse<String> intact = get("/intact");
        assertThat(status(intact)).isEqualTo("HIT");
        assertThat(intact.body()).isEqualTo(body("/intact", 12_000));
    }

    @Test
    void anUnsafeRequestOrAPurgeDropsTheEntryOnDisk() throws Exception {
        proxy = startProxy(1L << 20);
        script("/gone", body("/gone", 12_000));
        get("/gone");
        assertThat(proxy.cache().disk().entries()).isEqualTo(1);
        send("/gone", "POST");
        assertThat(proxy.cache().disk().entries()).isZero();
        assertThat(status(get("/gone"))).isEqualTo("MISS");
        assertThat(origin.hits("/gone")).isEqualTo(3);

        restart();
        assertThat(proxy.cache().purgeUrl("http", "cache.test", "/gone")).isEqualTo(1);
        assertThat(status(get("/gone"))).isEqualTo("MISS");
    }

    @Test
    void theDirectoryStaysWithinItsBound() throws Exception {
        proxy = startProxy(40_000);
        for (int i = 0; i < 6; i++) {
            String p = "/bounded-" + i;
            script(p, body(p, 12_000));
            get(p);
        }
        proxy.close();
        proxy = null;
        long total = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                total += Files.size(f);
            }
        }
        assertThat(total).isLessThanOrEqualTo(40_000);
        proxy = startProxy(40_000);
        assertThat(status(get("/bounded-5"))).as("the most recent kept").isEqualTo("HIT");
        assertThat(status(get("/bounded-0"))).as("the least recent dropped").isEqualTo("MISS");
    }
}
