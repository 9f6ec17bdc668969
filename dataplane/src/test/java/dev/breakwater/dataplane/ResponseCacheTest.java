package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.cache.CacheConfig;
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
import io.netty.handler.codec.DateFormatter;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The response cache through real sockets: a scripted origin sends given header fields, and each case asserts
 * whether a second request reached the origin. Time is a test clock, moved forward by the test. The origin
 * (the JDK's server) stamps {@code Date} from the real clock, so once the test clock has moved its responses
 * look as old as the move (RFC 9111's apparent age, as from an origin whose clock is behind): responses fetched
 * after a move are scripted with a longer max-age where a test needs them fresh.
 */
class ResponseCacheTest {

    /** A wall clock the test moves. */
    static final class TestClock extends Clock {
        final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }

        String httpDate(long offsetSeconds) {
            return DateFormatter.format(new Date(millis.get() + offsetSeconds * 1000));
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final TestClock clock = new TestClock();
    private ScriptedOrigin origin;
    private DataPlane proxy;

    @BeforeEach
    void start() throws Exception {
        origin = ScriptedOrigin.start();
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2)
                .cache(CacheConfig.DEFAULTS.withClock(clock).withMaxBytes(4L << 20))
                .adminToken("0123456789abcdef-test-token").build().start();
        proxy.apply(table(CachePolicy.DEFAULTS, origin.port()));
    }

    @AfterEach
    void stop() {
        proxy.close();
        origin.close();
    }

    /** Host {@code cache.test} caches with the given policy (null: off); {@code ttl.test} with a 60 s default. */
    static RoutingTable table(CachePolicy cache, int port) {
        RoutePolicy policy = RoutePolicy.DEFAULTS.withCache(cache);
        return RoutingTable.of(List.of(
                        new VirtualHost("cache.test", List.of(route("cached", policy))),
                        new VirtualHost("other.test", List.of(route("other", policy))),
                        new VirtualHost("ttl.test", List.of(route("ttl",
                                RoutePolicy.DEFAULTS.withCache(new CachePolicy(60L, null, null, null, false, 0))))),
                        new VirtualHost("cookies.test", List.of(route("cookies",
                                RoutePolicy.DEFAULTS.withCache(new CachePolicy(null, null, null, null, true, 0))))),
                        new VirtualHost("stale.test", List.of(route("stale",
                                RoutePolicy.DEFAULTS.withCache(new CachePolicy(null, 4096L, 30L, 300L, false, 0))))),
                        new VirtualHost("plain.test", List.of(route("plain", RoutePolicy.DEFAULTS)))),
                List.of(new Cluster("origin", Cluster.Protocol.HTTP1, List.of(Endpoint.ready("127.0.0.1", port)))));
    }

    private static Route route(String name, RoutePolicy policy) {
        return new Route(name, "test", RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("origin"),
                policy);
    }

    HttpResponse<String> send(String method, String host, String path, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                .header("Host", host).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        return send("GET", "cache.test", path, headers);
    }

    private static String cacheStatus(HttpResponse<?> r) {
        return r.headers().firstValue("x-cache-status").orElse("none");
    }

    // ---------------------------------------------------------------- RFC 9111 table

    /**
     * One case: what the origin sends, the first and second request's header fields, how long passes between
     * them, and how many requests reach the origin in all.
     */
    record Case(String name, String host, String method2, String[] originHeaders, String[] first, String[] second,
                long secondsBetween, int originHits) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case c(String name, int originHits, String... originHeaders) {
        return new Case(name, "cache.test", "GET", originHeaders, new String[0], new String[0], 0, originHits);
    }

    static Case c(String name, int originHits, long secondsBetween, String[] first, String[] second,
                  String... originHeaders) {
        return new Case(name, "cache.test", "GET", originHeaders, first, second, secondsBetween, originHits);
    }

    static String[] h(String... pairs) {
        return pairs;
    }

    static Stream<Case> rfc9111() {
        return Stream.of(
                c("max-age: fresh, served from cache", 1, "Cache-Control", "max-age=60"),
                c("directive names are case-insensitive, values may be quoted", 1,
                        "Cache-Control", "Public, MAX-AGE=\"60\""),
                c("no-store: never stored", 2, "Cache-Control", "no-store, max-age=60"),
                c("private: never stored by a shared cache", 2, "Cache-Control", "private, max-age=60"),
                c("no-cache: stored but revalidated every time", 2, "Cache-Control", "no-cache, max-age=60"),
                c("qualified no-cache is treated as no-cache", 2, "Cache-Control", "no-cache=\"Set-Cookie\", max-age=60"),
                c("no explicit freshness and no route TTL: not stored", 2, "Content-Type", "text/plain"),
                new Case("no explicit freshness, the route's default TTL applies", "ttl.test", "GET", h(), h(), h(),
                        30, 1),
                c("s-maxage wins over max-age for a shared cache", 1, "Cache-Control", "max-age=0, s-maxage=60"),
                c("max-age=0: stale at once", 2, "Cache-Control", "max-age=0"),
                c("invalid max-age is stale", 2, "Cache-Control", "max-age=soon"),
                c("max-age expired after its seconds", 2, 11, h(), h(), "Cache-Control", "max-age=10"),
                c("max-age still fresh before its seconds", 1, 9, h(), h(), "Cache-Control", "max-age=10"),
                c("an Age from upstream counts against max-age", 2, 6, h(), h(),
                        "Cache-Control", "max-age=10", "Age", "5"),
                c("Set-Cookie: not stored unless the route says", 2,
                        "Cache-Control", "max-age=60", "Set-Cookie", "session=abc"),
                new Case("Set-Cookie stored (without the cookie) where the route says", "cookies.test", "GET",
                        h("Cache-Control", "max-age=60", "Set-Cookie", "session=abc"), h(), h(), 0, 1),
                c("Authorization: not stored without public/s-maxage/must-revalidate", 2, 0,
                        h("Authorization", "Bearer x"), h("Authorization", "Bearer x"), "Cache-Control", "max-age=60"),
                c("Authorization with public: stored", 1, 0,
                        h("Authorization", "Bearer x"), h("Authorization", "Bearer x"),
                        "Cache-Control", "public, max-age=60"),
                c("Authorization with s-maxage: stored", 1, 0,
                        h("Authorization", "Bearer x"), h("Authorization", "Bearer x"), "Cache-Control", "s-maxage=60"),
                c("Vary: the same request header value shares the entry", 1, 0, h("X-Lang", "en"), h("X-Lang", "en"),
                        "Cache-Control", "max-age=60", "Vary", "X-Lang"),
                c("Vary: another request header value is another entry", 2, 0, h("X-Lang", "en"), h("X-Lang", "de"),
                        "Cache-Control", "max-age=60", "Vary", "X-Lang"),
                c("Vary: * is never served from cache", 2, "Cache-Control", "max-age=60", "Vary", "*"),
                c("request no-cache: revalidated at the origin", 2, 0, h(), h("Cache-Control", "no-cache"),
                        "Cache-Control", "max-age=60"),
                c("request Pragma: no-cache (HTTP/1.0) likewise", 2, 0, h(), h("Pragma", "no-cache"),
                        "Cache-Control", "max-age=60"),
                c("request max-age=0: not fresh enough", 2, 1, h(), h("Cache-Control", "max-age=0"),
                        "Cache-Control", "max-age=60"),
                c("request max-stale accepts a stale entry", 1, 20, h(), h("Cache-Control", "max-stale=30"),
                        "Cache-Control", "max-age=10"),
                c("request max-stale does not override must-revalidate", 2, 20, h(),
                        h("Cache-Control", "max-stale=30"), "Cache-Control", "max-age=10, must-revalidate"),
                c("request min-fresh wants more than is left", 2, 5, h(), h("Cache-Control", "min-fresh=10"),
                        "Cache-Control", "max-age=10"),
                c("Expires in the future: fresh", 1, "Expires", "+60"),
                c("Expires in the past: stale", 2, "Expires", "-60"),
                c("Expires that is not a date: stale", 2, "Expires", "0"),
                c("max-age wins over Expires", 1, "Cache-Control", "max-age=60", "Expires", "-60"),
                new Case("HEAD after GET is answered from the stored GET", "cache.test", "HEAD",
                        h("Cache-Control", "max-age=60"), h(), h(), 0, 1),
                new Case("POST is never answered from cache", "cache.test", "POST",
                        h("Cache-Control", "max-age=60"), h(), h(), 0, 2),
                new Case("a route without the cache never caches", "plain.test", "GET",
                        h("Cache-Control", "max-age=60"), h(), h(), 0, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc9111")
    void rfc9111(Case k) throws Exception {
        List<String> headers = new ArrayList<>(List.of(k.originHeaders()));
        for (int i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equals("Expires") && headers.get(i + 1).matches("[+-]\\d+")) {
                headers.set(i + 1, clock.httpDate(Long.parseLong(headers.get(i + 1))));
            }
        }
        headers.add("Date");
        headers.add(clock.httpDate(0));
        headers.add("Content-Type");
        headers.add("text/plain");
        origin.on("/r", 200, "the body\n", headers.toArray(String[]::new));

        HttpResponse<String> first = send("GET", k.host(), "/r", k.first());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("the body\n");
        clock.advance(Duration.ofSeconds(k.secondsBetween()));
        HttpResponse<String> second = send(k.method2(), k.host(), "/r", k.second());

        assertThat(second.statusCode()).as(k.name()).isEqualTo(200);
        assertThat(origin.hits("/r")).as(k.name() + " (x-cache-status of the second: " + cacheStatus(second) + ")")
                .isEqualTo(k.originHits());
        if (k.method2().equals("HEAD")) {
            assertThat(second.body()).isEmpty();
            assertThat(second.headers().firstValue("content-length")).hasValue("9");
        } else {
            assertThat(second.body()).isEqualTo("the body\n");
        }
        if (k.host().equals("cookies.test")) {
            assertThat(first.headers().allValues("set-cookie")).containsExactly("session=abc");
            assertThat(second.headers().allValues("set-cookie")).as("the stored copy has no cookie").isEmpty();
        }
    }

    // ---------------------------------------------------------------- validation, Age, conditional requests

    @Test
    void aStaleEntryIsRevalidatedWithItsETagAndA304RefreshesIt() throws Exception {
        origin.on("/v", 200, "versioned\n", "Cache-Control", "max-age=10", "ETag", "\"v1\"");
        assertThat(get("/v").body()).isEqualTo("versioned\n");
        clock.advance(Duration.ofSeconds(11));
        origin.on("/v", 200, "versioned\n", "Cache-Control", "max-age=100", "ETag", "\"v1\"");

        HttpResponse<String> revalidated = get("/v");
        assertThat(origin.hits("/v")).isEqualTo(2);
        assertThat(origin.lastRequest("/v").getFirst("If-None-Match")).isEqualTo("\"v1\"");
        assertThat(revalidated.statusCode()).isEqualTo(200);
        assertThat(revalidated.body()).isEqualTo("versioned\n");
        assertThat(cacheStatus(revalidated)).isEqualTo("REVALIDATED");

        HttpResponse<String> fresh = get("/v");
        assertThat(origin.hits("/v")).as("the 304 made the entry fresh again").isEqualTo(2);
        assertThat(cacheStatus(fresh)).isEqualTo("HIT");
    }

    @Test
    void lastModifiedValidatesToo() throws Exception {
        String lm = clock.httpDate(-3600);
        origin.on("/lm", 200, "dated\n", "Cache-Control", "max-age=5", "Last-Modified", lm);
        get("/lm");
        clock.advance(Duration.ofSeconds(6));
        HttpResponse<String> r = get("/lm");
        assertThat(origin.lastRequest("/lm").getFirst("If-Modified-Since")).isEqualTo(lm);
        assertThat(r.body()).isEqualTo("dated\n");
        assertThat(cacheStatus(r)).isEqualTo("REVALIDATED");
    }

    @Test
    void aChangedResponseReplacesTheEntry() throws Exception {
        origin.on("/c", 200, "old\n", "Cache-Control", "max-age=10", "ETag", "\"1\"");
        get("/c");
        origin.on("/c", 200, "new\n", "Cache-Control", "max-age=100", "ETag", "\"2\"");
        clock.advance(Duration.ofSeconds(11));
        assertThat(get("/c").body()).isEqualTo("new\n");
        assertThat(get("/c").body()).isEqualTo("new\n");
        assertThat(origin.hits("/c")).isEqualTo(2);
    }

    @Test
    void clientConditionalRequestsAreAnsweredFromTheCache() throws Exception {
        String lm = clock.httpDate(-60);
        origin.on("/cond", 200, "conditional\n", "Cache-Control", "max-age=60", "ETag", "W/\"abc\"",
                "Last-Modified", lm);
        get("/cond");
        HttpResponse<String> etag = get("/cond", "If-None-Match", "\"other\", \"abc\"");
        assertThat(etag.statusCode()).isEqualTo(304);
        assertThat(etag.body()).isEmpty();
        assertThat(etag.headers().firstValue("etag")).hasValue("W/\"abc\"");
        HttpResponse<String> since = get("/cond", "If-Modified-Since", lm);
        assertThat(since.statusCode()).isEqualTo(304);
        HttpResponse<String> older = get("/cond", "If-Modified-Since", clock.httpDate(-3600));
        assertThat(older.statusCode()).isEqualTo(200);
        assertThat(older.body()).isEqualTo("conditional\n");
        assertThat(origin.hits("/cond")).isEqualTo(1);
    }

    @Test
    void ageCountsTheTimeInTheCache() throws Exception {
        origin.on("/age", 200, "aging\n", "Cache-Control", "max-age=60", "Date", clock.httpDate(0));
        HttpResponse<String> first = get("/age");
        assertThat(first.headers().firstValue("age")).isEmpty();
        assertThat(cacheStatus(first)).isEqualTo("MISS");
        clock.advance(Duration.ofSeconds(7));
        HttpResponse<String> second = get("/age");
        assertThat(cacheStatus(second)).isEqualTo("HIT");
        assertThat(Long.parseLong(second.headers().firstValue("age").orElseThrow())).isBetween(7L, 8L);
    }

    @Test
    void aSuccessfulUnsafeRequestInvalidatesTheStoredResponse() throws Exception {
        origin.on("/doc", 200, "document\n", "Cache-Control", "max-age=60");
        get("/doc");
        get("/doc");
        assertThat(origin.hits("/doc")).isEqualTo(1);
        assertThat(send("POST", "cache.test", "/doc").statusCode()).isEqualTo(200);
        get("/doc");
        assertThat(origin.hits("/doc")).as("GET, POST, then GET again from the origin").isEqualTo(3);

        origin.on("/doc", 500, "nope\n", "Content-Type", "text/plain");
        send("DELETE", "cache.test", "/doc"); // an error answer invalidates nothing
        origin.on("/doc", 200, "document\n", "Cache-Control", "max-age=60");
        get("/doc");
        assertThat(origin.hits("/doc")).isEqualTo(4);
    }

    @Test
    void onlyIfCachedAnswers504WhenNotStored() throws Exception {
        origin.on("/oic", 200, "x\n", "Cache-Control", "max-age=60");
        assertThat(get("/oic", "Cache-Control", "only-if-cached").statusCode()).isEqualTo(504);
        assertThat(origin.hits("/oic")).isZero();
    }

    // ---------------------------------------------------------------- keys and isolation

    @Test
    void twoHostsWithTheSamePathNeverShareAnEntry() throws Exception {
        origin.on("/same", 200, "shared path\n", "Cache-Control", "max-age=60");
        send("GET", "cache.test", "/same");
        send("GET", "other.test", "/same");
        assertThat(origin.hits("/same")).isEqualTo(2);
        send("GET", "cache.test", "/same");
        send("GET", "other.test", "/same");
        assertThat(origin.hits("/same")).isEqualTo(2);
    }

    @Test
    void theQueryIsPartOfTheKeyAndPercentEncodingIsNormalised() throws Exception {
        origin.on("/q", 200, "query\n", "Cache-Control", "max-age=60");
        get("/q?a=1");
        get("/q?a=2");
        assertThat(origin.hits("/q")).isEqualTo(2);
        get("/%71?a=1"); // %71 is 'q'
        assertThat(origin.hits("/q")).isEqualTo(2);
    }

    @Test
    void aRouteChangeThatTurnsTheCacheOffStopsServingEntries() throws Exception {
        origin.on("/off", 200, "cached once\n", "Cache-Control", "max-age=60");
        get("/off");
        get("/off");
        assertThat(origin.hits("/off")).isEqualTo(1);
        proxy.apply(table(null, origin.port()));
        HttpResponse<String> r = get("/off");
        assertThat(origin.hits("/off")).isEqualTo(2);
        assertThat(r.headers().firstValue("x-cache-status")).isEmpty();
    }

    @Test
    void bumpingThePurgeGenerationDropsTheRoutesEntries() throws Exception {
        origin.on("/gen", 200, "generation\n", "Cache-Control", "max-age=60");
        get("/gen");
        proxy.apply(table(new CachePolicy(null, null, null, null, false, 1), origin.port()));
        get("/gen");
        get("/gen");
        assertThat(origin.hits("/gen")).isEqualTo(2);
    }

    // ---------------------------------------------------------------- coalescing, stale, limits

    @Test
    void concurrentMissesForOneKeySendOneRequestUpstream() throws Exception {
        origin.on("/cold", 200, "cold body\n".getBytes(StandardCharsets.UTF_8), 1500, "Cache-Control", "max-age=60");
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            all.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/cold"))
                    .header("Host", "cache.test").timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : all) {
            HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("cold body\n");
        }
        assertThat(origin.hits("/cold")).isEqualTo(1);
        assertThat(scrape()).contains("breakwater_cache_requests_total{result=\"coalesced\",route=\"cached\"}");
    }

    @Test
    void staleIfErrorServesTheStaleEntryWhenTheOriginFails() throws Exception {
        origin.on("/sie", 200, "still good\n", "Cache-Control", "max-age=10, stale-if-error=600");
        get("/sie");
        clock.advance(Duration.ofSeconds(20));
        origin.on("/sie", 503, "broken\n", "Content-Type", "text/plain");
        HttpResponse<String> r = get("/sie");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("still good\n");
        assertThat(cacheStatus(r)).isEqualTo("STALE");

        origin.close(); // down altogether: connection refused
        HttpResponse<String> down = get("/sie");
        assertThat(down.statusCode()).isEqualTo(200);
        assertThat(down.body()).isEqualTo("still good\n");

        clock.advance(Duration.ofSeconds(600));
        assertThat(get("/sie").statusCode()).as("past stale-if-error").isEqualTo(502);
    }

    @Test
    void theRoutesStaleIfErrorAppliesWhenTheResponseDoesNotSay() throws Exception {
        origin.on("/rsie", 200, "route default\n", "Cache-Control", "max-age=1");
        send("GET", "stale.test", "/rsie");
        clock.advance(Duration.ofSeconds(100)); // past the route's 30 s stale-while-revalidate
        origin.close();
        HttpResponse<String> r = send("GET", "stale.test", "/rsie");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("route default\n");
    }

    @Test
    void staleWhileRevalidateAnswersAtOnceAndRefreshesInTheBackground() throws Exception {
        origin.on("/swr", 200, "v1\n", "Cache-Control", "max-age=10, stale-while-revalidate=60");
        get("/swr");
        origin.on("/swr", 200, "v2\n", "Cache-Control", "max-age=100, stale-while-revalidate=60");
        clock.advance(Duration.ofSeconds(15));
        HttpResponse<String> stale = get("/swr");
        assertThat(stale.body()).isEqualTo("v1\n");
        assertThat(cacheStatus(stale)).isEqualTo("UPDATING");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        HttpResponse<String> r = get("/swr");
        while (!r.body().equals("v2\n") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            r = get("/swr");
        }
        assertThat(r.body()).as("the background refresh stored v2").isEqualTo("v2\n");
        assertThat(cacheStatus(r)).isEqualTo("HIT");
        assertThat(origin.hits("/swr")).isEqualTo(2);
    }

    @Test
    void responsesAboveTheMaxObjectSizePassThroughUnstored() throws Exception {
        byte[] big = new byte[10_000];
        java.util.Arrays.fill(big, (byte) 'x');
        origin.on("/big", 200, big, 0, "Cache-Control", "max-age=60");
        HttpResponse<String> first = send("GET", "stale.test", "/big"); // the route stores up to 4096 bytes
        HttpResponse<String> second = send("GET", "stale.test", "/big");
        assertThat(first.body()).hasSize(10_000);
        assertThat(second.body()).hasSize(10_000);
        assertThat(origin.hits("/big")).isEqualTo(2);
        assertThat(proxy.cache().fillingBytes()).isZero();
    }

    @Test
    void aResponseThatFailsMidBodyIsNotStored() throws Exception {
        try (ServerSocket broken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            AtomicLong served = new AtomicLong();
            Thread t = new Thread(() -> {
                while (!broken.isClosed()) {
                    try (Socket s = broken.accept()) {
                        InputStream in = s.getInputStream();
                        byte[] buf = new byte[8192];
                        in.read(buf); // the request head (small, one read)
                        OutputStream out = s.getOutputStream();
                        out.write(("HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nContent-Length: 100000\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        out.write(new byte[1000]);
                        out.flush();
                        served.incrementAndGet();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            proxy.apply(table(CachePolicy.DEFAULTS, broken.getLocalPort()));
            for (int i = 0; i < 2; i++) {
                try {
                    get("/partial");
                } catch (java.io.IOException expected) {
                    // the body is cut short: the client sees the connection end
                }
            }
            assertThat(served.get()).as("the cut response was not stored").isEqualTo(2);
            assertThat(proxy.cache().fillingBytes()).as("the budget of bodies in flight is given back").isZero();
        }
    }

    @Test
    void aFloodOfDistinctKeysStaysWithinTheByteLimitAndCountsEvictions() throws Exception {
        byte[] body = new byte[16 * 1024];
        origin.on("/flood", 200, body, 0, "Cache-Control", "max-age=600");
        for (int i = 0; i < 600; i++) { // ~9.6 MB of bodies through a 4 MiB cache
            assertThat(get("/flood?k=" + i).statusCode()).isEqualTo(200);
        }
        proxy.cache().cleanUp();
        assertThat(proxy.cache().weightedBytes()).isLessThanOrEqualTo(4L << 20);
        assertThat(proxy.cache().evictions()).isPositive();
        assertThat(proxy.cache().fillingBytes()).isZero();
        String metrics = scrape();
        assertThat(metrics).contains("breakwater_cache_evictions_total");
        assertThat(metrics).containsPattern("breakwater_cache_evicted_total\\{route=\"cached\"} [1-9]");
        assertThat(metrics).contains("breakwater_cache_stored_bytes_total{route=\"cached\"}");
    }

    @Test
    void http2ClientsGetCachedAnswersToo() throws Exception {
        origin.on("/h2", 200, "over h2\n", "Cache-Control", "max-age=60", "ETag", "\"h\"");
        try (DataPlane tls = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0)
                .workers(1).cache(CacheConfig.DEFAULTS.withClock(clock)).build().start()) {
            tls.apply(table(CachePolicy.DEFAULTS, origin.port()));
            String first = curlHttp2(tls.httpsPort(), "/h2");
            String second = curlHttp2(tls.httpsPort(), "/h2");
            String conditional = curlHttp2(tls.httpsPort(), "/h2", "-H", "If-None-Match: \"h\"");
            assertThat(first).startsWith("HTTP/2 200").containsIgnoringCase("x-cache-status: MISS").endsWith("over h2\n");
            assertThat(second).startsWith("HTTP/2 200").containsIgnoringCase("x-cache-status: HIT").endsWith("over h2\n");
            assertThat(conditional).startsWith("HTTP/2 304");
            assertThat(origin.hits("/h2")).isEqualTo(1);
        }
    }

    @Test
    void hitsPipelinedOnOneConnectionAreFramedEachAsItsRequestWants() throws Exception {
        origin.on("/pipe", 200, "stored body\n", "Cache-Control", "max-age=60", "ETag", "\"p\"",
                "Content-Type", "text/plain");
        assertThat(cacheStatus(get("/pipe"))).isEqualTo("MISS");
        clock.advance(Duration.ofSeconds(3));
        String req = "Host: cache.test\r\n";
        try (Socket s = new Socket("127.0.0.1", proxy.httpPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            // a hit, HEAD, a conditional hit (304), a hit that closes: one write, answered in order
            out.write(("GET /pipe HTTP/1.1\r\n" + req + "\r\n"
                    + "HEAD /pipe HTTP/1.1\r\n" + req + "\r\n"
                    + "GET /pipe HTTP/1.1\r\n" + req + "If-None-Match: \"p\"\r\n\r\n"
                    + "GET /pipe HTTP/1.1\r\n" + req + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            String[] answers = all.split("(?=HTTP/1\\.1 )");
            assertThat(answers).hasSize(4);
            String hit = answers[0].toLowerCase(java.util.Locale.ROOT);
            assertThat(hit).startsWith("http/1.1 200 ok\r\n").contains("\r\ncontent-length: 12\r\n")
                    .contains("\r\ncontent-type: text/plain\r\n").contains("\r\netag: \"p\"\r\n")
                    .contains("\r\nage: 3\r\n").contains("\r\nx-cache-status: hit\r\n")
                    .contains("\r\naccept-ranges: bytes\r\n").doesNotContain("connection:")
                    .endsWith("\r\n\r\nstored body\n");
            // the head encoded when it was stored, then this answer's fields: the fast path, not a re-encoding
            assertThat(hit.indexOf("\r\naccept-ranges:")).isLessThan(hit.indexOf("\r\nage:"));
            assertThat(answers[1]).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("content-length: 12")
                    .endsWith("\r\n\r\n");
            assertThat(answers[2]).startsWith("HTTP/1.1 304 ").endsWith("\r\n\r\n");
            assertThat(answers[3]).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("connection: close\r\n")
                    .endsWith("\r\n\r\nstored body\n");
        }
        assertThat(origin.hits("/pipe")).isEqualTo(1);
    }

    private static String curlHttp2(int port, String path, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sk", "--http2", "--max-time", "20", "-D", "-",
                "--resolve", "cache.test:" + port + ":127.0.0.1"));
        cmd.addAll(List.of(extra));
        cmd.add("https://cache.test:" + port + path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.replace("\r\n", "\n");
    }

    // ---------------------------------------------------------------- purge

    @Test
    void purgeByUrlAndByPrefixNeedsTheAdminToken() throws Exception {
        origin.on("/p/1", 200, "one\n", "Cache-Control", "max-age=60");
        origin.on("/p/2", 200, "two\n", "Cache-Control", "max-age=60");
        origin.on("/keep", 200, "keep\n", "Cache-Control", "max-age=60");
        for (String p : List.of("/p/1", "/p/2", "/keep")) {
            get(p);
        }
        assertThat(purge("url=http://cache.test/p/1", "wrong-token").statusCode()).isEqualTo(401);
        assertThat(purge("url=http://cache.test/p/1", null).statusCode()).isEqualTo(401);
        HttpResponse<String> byUrl = purge("url=http://cache.test/p/1", "0123456789abcdef-test-token");
        assertThat(byUrl.statusCode()).isEqualTo(200);
        assertThat(byUrl.body()).contains("\"purged\":1");
        get("/p/1");
        get("/p/2");
        assertThat(origin.hits("/p/1")).isEqualTo(2);
        assertThat(origin.hits("/p/2")).isEqualTo(1);

        HttpResponse<String> byPrefix = purge("host=cache.test&prefix=/p/", "0123456789abcdef-test-token");
        assertThat(byPrefix.body()).contains("\"purged\":2");
        get("/p/1");
        get("/p/2");
        get("/keep");
        assertThat(origin.hits("/p/1")).isEqualTo(3);
        assertThat(origin.hits("/p/2")).isEqualTo(2);
        assertThat(origin.hits("/keep")).isEqualTo(1);
    }

    private HttpResponse<String> purge(String query, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort()
                + "/cache/purge?" + query)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String scrape() throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void metricsCountHitsMissesAndRevalidations() throws Exception {
        origin.on("/m", 200, "metered\n", "Cache-Control", "max-age=10", "ETag", "\"m\"");
        get("/m");
        get("/m");
        clock.advance(Duration.ofSeconds(11));
        get("/m");
        String m = scrape();
        assertThat(m).contains("breakwater_cache_requests_total{result=\"hit\",route=\"cached\"} 1.0");
        assertThat(m).contains("breakwater_cache_requests_total{result=\"miss\",route=\"cached\"} 2.0");
        assertThat(m).contains("breakwater_cache_requests_total{result=\"revalidated\",route=\"cached\"} 1.0");
        assertThat(m).contains("breakwater_cache_stored_total{route=\"cached\"} 1.0");
        assertThat(m).containsPattern("breakwater_cache_bytes(_bytes)? [1-9]");
    }
}
