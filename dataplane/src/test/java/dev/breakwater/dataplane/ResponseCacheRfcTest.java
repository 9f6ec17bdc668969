package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.cache.CacheConfig;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RFC 9111 clauses of the cache issue through real sockets, a scripted origin and a test clock: invalid
 * HTTP-dates (5.3, RFC 9110 5.6.7), what may be stored (3: any final status with explicit freshness,
 * {@code no-cache}, {@code must-understand}, a 200 with {@code Content-Range}), heuristic freshness (4.2.2),
 * {@code Vary} normalisation (4.1) and the targeted fields of RFC 9213. Each case: what the origin sent, what the
 * client got, and how many requests reached the origin.
 */
@ExtendWith(LeakGuard.class)
class ResponseCacheRfcTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ResponseCacheTest.TestClock clock = new ResponseCacheTest.TestClock();
    private ScriptedOrigin origin;
    private DataPlane proxy;

    @BeforeEach
    void start() throws Exception {
        origin = ScriptedOrigin.start();
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2)
                .cache(CacheConfig.DEFAULTS.withClock(clock).withMaxBytes(4L << 20)).build().start();
        proxy.apply(RoutingTable.of(List.of(
                        host("cache.test", CachePolicy.DEFAULTS),
                        host("noheuristic.test", new CachePolicy(null, null, null, null, false, 0, 0L, null)),
                        host("cap.test", new CachePolicy(null, null, null, null, false, 0, 60L, null)),
                        host("cdn.test", new CachePolicy(null, null, null, null, false, 0, null, true))),
                List.of(new Cluster("origin", Cluster.Protocol.HTTP1,
                        List.of(Endpoint.ready("127.0.0.1", origin.port()))))));
    }

    @AfterEach
    void stop() {
        proxy.close();
        origin.close();
    }

    /** Only {@code cache.test}, with the default cache, served from the origin on {@code port}. */
    private static RoutingTable cacheTestFrom(int port) {
        return RoutingTable.of(List.of(host("cache.test", CachePolicy.DEFAULTS)), List.of(new Cluster("origin",
                Cluster.Protocol.HTTP1, List.of(Endpoint.ready("127.0.0.1", port)))));
    }

    private static VirtualHost host(String name, CachePolicy cache) {
        return new VirtualHost(name, List.of(new Route(name, "test", RouteMatch.path(PathMatch.prefix("/")),
                RouteAction.Forward.to("origin"), RoutePolicy.DEFAULTS.withCache(cache))));
    }

    private HttpResponse<String> get(String host, String path, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                .header("Host", host).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Scripts {@code path} with a Date of the test clock's now, then two GETs {@code secondsBetween} apart. */
    private List<HttpResponse<String>> twice(String host, String path, int status, long secondsBetween,
                                             String... originHeaders) throws Exception {
        List<String> headers = new ArrayList<>(List.of(originHeaders));
        if (!headers.contains("Date")) {
            headers.add("Date");
            headers.add(clock.httpDate(0));
        }
        origin.on(path, status, "body of " + path + "\n", headers.toArray(String[]::new));
        HttpResponse<String> first = get(host, path);
        clock.advance(Duration.ofSeconds(secondsBetween));
        HttpResponse<String> second = get(host, path);
        assertThat(first.statusCode()).isEqualTo(status);
        assertThat(second.statusCode()).isEqualTo(status);
        assertThat(second.body()).isEqualTo("body of " + path + "\n");
        return List.of(first, second);
    }

    private static String status(HttpResponse<?> r) {
        return r.headers().firstValue("x-cache-status").orElse("none");
    }

    // ---------------------------------------------------------------- dates

    static Stream<String> invalidExpires() {
        return Stream.of(
                "%s UTC",                // another zone
                "%s +0000",
                "two-digit year",
                "missing comma",
                "extra spaces",
                "dashes",
                "one-digit hour",
                "lower-case month");
    }

    /** An Expires a day ahead, spelt the wrong way each case names: not a valid HTTP-date, so already expired. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidExpires")
    void anInvalidExpiresMeansAlreadyExpired(String how) throws Exception {
        String valid = clock.httpDate(86_400); // "Wed, 03 Dec 2026 01:02:03 GMT"
        String base = valid.substring(0, valid.length() - 4);
        String expires = switch (how) {
            case "two-digit year" -> valid.substring(0, 12) + valid.substring(14);
            case "missing comma" -> valid.replaceFirst(",", "");
            case "extra spaces" -> valid.replace(" ", "  ");
            case "dashes" -> valid.substring(0, 4) + " " + valid.substring(5, 16).trim().replace(' ', '-')
                    + valid.substring(16);
            case "one-digit hour" -> valid.substring(0, 17) + "1:" + valid.substring(20);
            case "lower-case month" -> valid.substring(0, 8) + valid.substring(8, 11).toLowerCase()
                    + valid.substring(11);
            default -> String.format(how, base);
        };
        String path = "/expires-" + how.replaceAll("[^a-z0-9]+", "-");
        twice("cache.test", path, 200, 0, "Expires", expires);
        assertThat(origin.hits(path)).as("Expires: " + expires).isEqualTo(2);
    }

    @Test
    void theObsoleteDateFormsAreRead() throws Exception {
        java.time.ZonedDateTime at = java.time.Instant.ofEpochMilli(clock.millis() + 86_400_000L)
                .atZone(java.time.ZoneOffset.UTC);
        String rfc850 = at.format(java.time.format.DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'",
                java.util.Locale.ENGLISH));
        String asctime = at.format(java.time.format.DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy",
                java.util.Locale.ENGLISH));
        twice("cache.test", "/rfc850", 200, 0, "Expires", rfc850);
        twice("cache.test", "/asctime", 200, 0, "Expires", asctime);
        assertThat(origin.hits("/rfc850")).as(rfc850).isEqualTo(1);
        assertThat(origin.hits("/asctime")).as(asctime).isEqualTo(1);
    }

    @Test
    void twoExpiresLinesMeanAlreadyExpired() throws Exception {
        String later = clock.httpDate(86_400);
        twice("cache.test", "/two-expires", 200, 0, "Expires", later, "Expires", later);
        assertThat(origin.hits("/two-expires")).isEqualTo(2);
    }

    @Test
    void anInvalidDateIsTheTimeReceived() throws Exception {
        // the JDK's server stamps its own Date: this origin writes raw bytes
        try (dev.breakwater.dataplane.testing.RawBackend raw = dev.breakwater.dataplane.testing.RawBackend.start()) {
            String expires = clock.httpDate(60);
            raw.respondWith(r -> ("HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 UTC\r\nExpires: " + expires
                    + "\r\nContent-Length: 3\r\n\r\nok\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            proxy.apply(cacheTestFrom(raw.port()));
            assertThat(get("cache.test", "/bad-date").body()).isEqualTo("ok\n");
            clock.advance(Duration.ofSeconds(30));
            // Expires is 60 s after the time received, the Date being unreadable (another zone than GMT)
            assertThat(status(get("cache.test", "/bad-date"))).isEqualTo("HIT");
            assertThat(raw.received()).hasSize(1);
            clock.advance(Duration.ofSeconds(45));
            get("cache.test", "/bad-date");
            assertThat(raw.received()).hasSize(2);
        }
    }

    @Test
    void staleIfErrorAlsoWhenTheOriginClosesWithoutAnAnswer() throws Exception {
        try (dev.breakwater.dataplane.testing.RawBackend raw = dev.breakwater.dataplane.testing.RawBackend.start()) {
            String date = clock.httpDate(0);
            raw.respondWith(r -> ("HTTP/1.1 200 OK\r\nDate: " + date + "\r\nCache-Control: max-age=10, "
                    + "stale-if-error=600\r\nContent-Length: 11\r\n\r\nstill good\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            proxy.apply(cacheTestFrom(raw.port()));
            assertThat(get("cache.test", "/sie-closed").body()).isEqualTo("still good\n");
            clock.advance(Duration.ofSeconds(20));
            // the origin now reads each request and closes its connection without a byte of answer
            raw.respondWith(r -> new byte[0]).closeAfterEachResponse(true);
            HttpResponse<String> r = get("cache.test", "/sie-closed");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("still good\n");
            assertThat(status(r)).isEqualTo("STALE");
            assertThat(raw.received().size()).as("the stale entry was tried at the origin first").isGreaterThan(1);
        }
    }

    // ---------------------------------------------------------------- what may be stored

    @ParameterizedTest(name = "{0} with max-age is stored")
    @org.junit.jupiter.params.provider.ValueSource(ints = {200, 299, 400, 404, 500, 502, 503, 504, 599})
    void anyFinalStatusWithExplicitFreshnessIsStored(int status) throws Exception {
        String path = "/status-" + status;
        List<HttpResponse<String>> r = twice("cache.test", path, status, 0, "Cache-Control", "max-age=60");
        assertThat(origin.hits(path)).isEqualTo(1);
        assertThat(status(r.get(1))).isEqualTo("HIT");
    }

    @Test
    void anUnknownStatusWithoutExplicitFreshnessIsNotStored() throws Exception {
        twice("cache.test", "/599-plain", 599, 0, "Last-Modified", clock.httpDate(-86_400 * 10));
        twice("cache.test", "/500-plain", 500, 0, "Last-Modified", clock.httpDate(-86_400 * 10));
        assertThat(origin.hits("/599-plain")).isEqualTo(2);
        assertThat(origin.hits("/500-plain")).isEqualTo(2);
    }

    @Test
    void mustUnderstand() throws Exception {
        // an understood status: stored, and no-store beside must-understand is ignored (RFC 9111 5.2.2.3)
        twice("cache.test", "/mu-200", 200, 0, "Cache-Control", "max-age=60, no-store, must-understand");
        // a status this cache does not know: never stored with must-understand
        twice("cache.test", "/mu-299", 299, 0, "Cache-Control", "max-age=60, must-understand");
        assertThat(origin.hits("/mu-200")).isEqualTo(1);
        assertThat(origin.hits("/mu-299")).isEqualTo(2);
    }

    @Test
    void aNoCacheResponseIsStoredAndRevalidatedEachTime() throws Exception {
        twice("cache.test", "/no-cache", 200, 0, "Cache-Control", "no-cache", "ETag", "\"v1\"");
        assertThat(origin.hits("/no-cache")).isEqualTo(2);
        assertThat(origin.lastRequest("/no-cache").getFirst("If-None-Match")).as("the second was conditional")
                .isEqualTo("\"v1\"");
    }

    @Test
    void aCompleteResponseWithContentRangeIsStored() throws Exception {
        twice("cache.test", "/content-range", 200, 0, "Cache-Control", "max-age=60",
                "Content-Range", "bytes 0-20/21");
        assertThat(origin.hits("/content-range")).isEqualTo(1);
    }

    // ---------------------------------------------------------------- heuristic freshness

    @Test
    void heuristicFreshnessIsATenthOfTheTimeSinceLastModified() throws Exception {
        // modified 1,000 s ago: fresh for 100 s
        twice("cache.test", "/lm-fresh", 200, 90, "Last-Modified", clock.httpDate(-1000));
        assertThat(origin.hits("/lm-fresh")).isEqualTo(1);
        HttpResponse<String> third = get("cache.test", "/lm-fresh");
        assertThat(third.headers().firstValue("age")).as("Age counts from the response's Date").hasValue("90");

        twice("cache.test", "/lm-stale", 200, 110, "Last-Modified", clock.httpDate(-1000));
        assertThat(origin.hits("/lm-stale")).isEqualTo(2);
    }

    @Test
    void heuristicFreshnessIsCapped_andOffWhereTheRouteSays() throws Exception {
        // modified 100 days ago: a tenth would be 10 days; the default cap is one day
        twice("cache.test", "/lm-old", 200, 86_000, "Last-Modified", clock.httpDate(-86_400 * 100));
        assertThat(origin.hits("/lm-old")).isEqualTo(1);
        twice("cache.test", "/lm-older", 200, 86_500, "Last-Modified", clock.httpDate(-86_400 * 100));
        assertThat(origin.hits("/lm-older")).isEqualTo(2);
        // a route capping it at 60 s
        twice("cap.test", "/lm-cap", 200, 61, "Last-Modified", clock.httpDate(-86_400 * 100));
        assertThat(origin.hits("/lm-cap")).isEqualTo(2);
        // a route with the heuristic off
        twice("noheuristic.test", "/lm-off", 200, 0, "Last-Modified", clock.httpDate(-86_400));
        assertThat(origin.hits("/lm-off")).isEqualTo(2);
    }

    @Test
    void noHeuristicForAStatusThatIsNotHeuristicallyCacheable() throws Exception {
        twice("cache.test", "/lm-302", 302, 0, "Last-Modified", clock.httpDate(-86_400), "Location", "/x");
        assertThat(origin.hits("/lm-302")).isEqualTo(2);
    }

    // ---------------------------------------------------------------- Vary normalisation

    @Test
    void acceptLanguageVariantsThatMeanTheSameShareTheEntry() throws Exception {
        origin.on("/lang", 200, "body\n", "Cache-Control", "max-age=60", "Vary", "Accept-Language",
                "Date", clock.httpDate(0));
        get("cache.test", "/lang", "Accept-Language", "en-US,de;q=0.5");
        HttpResponse<String> same = get("cache.test", "/lang", "Accept-Language", "de;q=0.50 , EN-us");
        assertThat(status(same)).isEqualTo("HIT");
        HttpResponse<String> withRefused = get("cache.test", "/lang", "Accept-Language", "en-us, fr;q=0, de;q=0.5");
        assertThat(status(withRefused)).as("a q=0 range accepts nothing").isEqualTo("HIT");
        HttpResponse<String> other = get("cache.test", "/lang", "Accept-Language", "de");
        assertThat(status(other)).isNotEqualTo("HIT");
        assertThat(origin.hits("/lang")).isEqualTo(2);
    }

    @Test
    void whitespaceAndLinesOfAListFieldDoNotMakeAnotherVariant() throws Exception {
        origin.on("/list", 200, "body\n", "Cache-Control", "max-age=60", "Vary", "X-Features",
                "Date", clock.httpDate(0));
        get("cache.test", "/list", "X-Features", "a, b");
        assertThat(status(get("cache.test", "/list", "X-Features", "a,b"))).isEqualTo("HIT");
        assertThat(status(get("cache.test", "/list", "X-Features", "a", "X-Features", "b"))).isEqualTo("HIT");
        assertThat(status(get("cache.test", "/list", "X-Features", "b, a"))).isNotEqualTo("HIT");
        assertThat(origin.hits("/list")).isEqualTo(2);
    }

    // ---------------------------------------------------------------- interim responses (RFC 9110 15.2)

    @Test
    void interimResponsesAreForwardedButNeverStoredNorMergedIntoTheFinalOne() throws Exception {
        try (dev.breakwater.dataplane.testing.RawBackend raw = dev.breakwater.dataplane.testing.RawBackend.start()) {
            String date = clock.httpDate(0);
            raw.respondWith(r -> ("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                    + "HTTP/1.1 102 Processing\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nDate: " + date + "\r\nCache-Control: max-age=60\r\nContent-Length: 3\r\n"
                    + "\r\nok\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            proxy.apply(cacheTestFrom(raw.port()));
            try (dev.breakwater.dataplane.testing.RawHttp c = new dev.breakwater.dataplane.testing.RawHttp(
                    proxy.httpPort())) {
                c.send("GET /hints HTTP/1.1\r\nHost: cache.test\r\n\r\n");
                dev.breakwater.dataplane.testing.RawHttp.Response hints = c.read();
                assertThat(hints.status()).isEqualTo(103);
                assertThat(hints.header("link")).isEqualTo("</style.css>; rel=preload");
                dev.breakwater.dataplane.testing.RawHttp.Response processing = c.read();
                assertThat(processing.status()).isEqualTo(102);
                dev.breakwater.dataplane.testing.RawHttp.Response fin = c.read();
                assertThat(fin.status()).isEqualTo(200);
                assertThat(fin.bodyText()).isEqualTo("ok\n");
                assertThat(fin.header("link")).as("the interim response's fields are not the final one's").isNull();

                c.send("GET /hints HTTP/1.1\r\nHost: cache.test\r\n\r\n");
                dev.breakwater.dataplane.testing.RawHttp.Response hit = c.read();
                assertThat(hit.status()).as("a hit has no interim response").isEqualTo(200);
                assertThat(hit.header("x-cache-status")).isEqualTo("HIT");
                assertThat(hit.header("link")).isNull();
            }
            assertThat(raw.received()).hasSize(1);
        }
    }

    @Test
    void anHttp2ClientGetsTheInterimResponseAsItsOwnHeaders() throws Exception {
        try (dev.breakwater.dataplane.testing.RawBackend raw = dev.breakwater.dataplane.testing.RawBackend.start();
             DataPlane tls = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0)
                     .workers(1).cache(CacheConfig.DEFAULTS.withClock(clock)).build().start()) {
            raw.respondWith(r -> ("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nContent-Length: 3\r\n\r\nok\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            tls.apply(cacheTestFrom(raw.port()));
            Process p = new ProcessBuilder("curl", "-sk", "--http2", "--max-time", "20", "-D", "-", "--resolve",
                    "cache.test:" + tls.httpsPort() + ":127.0.0.1", "https://cache.test:" + tls.httpsPort() + "/h")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("\r\n", "\n").replace(" \n", "\n"); // curl ends a status line with a space
            assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(out).startsWith("HTTP/2 103\n").contains("link: </style.css>; rel=preload\n\nHTTP/2 200\n")
                    .endsWith("ok\n");
            assertThat(out.substring(out.indexOf("HTTP/2 200"))).doesNotContain("link:");
        }
    }

    // ---------------------------------------------------------------- partial content (RFC 9110 14)

    private void storeAlphabet() throws Exception {
        origin.on("/abc", 200, "abcdefghijklmnopqrstuvwxyz", "Cache-Control", "max-age=60", "ETag", "\"strong\"",
                "Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT", "Content-Type", "text/plain");
        assertThat(get("cache.test", "/abc").headers().firstValue("x-cache-status")).hasValue("MISS");
    }

    @Test
    void aRangeRequestIsAnswered206FromTheStoredResponse() throws Exception {
        storeAlphabet();
        HttpResponse<String> one = get("cache.test", "/abc", "Range", "bytes=2-4");
        assertThat(one.statusCode()).isEqualTo(206);
        assertThat(one.body()).isEqualTo("cde");
        assertThat(one.headers().firstValue("content-range")).hasValue("bytes 2-4/26");
        assertThat(one.headers().firstValue("content-length")).hasValue("3");
        assertThat(get("cache.test", "/abc", "Range", "bytes=-3").body()).isEqualTo("xyz");
        assertThat(get("cache.test", "/abc", "Range", "bytes=23-").body()).isEqualTo("xyz");
        assertThat(get("cache.test", "/abc", "Range", "bytes=20-1000").body()).isEqualTo("uvwxyz");
        HttpResponse<String> whole = get("cache.test", "/abc");
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("accept-ranges")).hasValue("bytes");
        assertThat(origin.hits("/abc")).isEqualTo(1);
    }

    @Test
    void severalRangesAreAMultipartBody_overlappingOnesMerged() throws Exception {
        storeAlphabet();
        HttpResponse<String> r = get("cache.test", "/abc", "Range", "bytes=0-1, 4-5,5-6, -2");
        assertThat(r.statusCode()).isEqualTo(206);
        String type = r.headers().firstValue("content-type").orElseThrow();
        assertThat(type).startsWith("multipart/byteranges; boundary=");
        String boundary = type.substring(type.indexOf('=') + 1);
        assertThat(r.body()).isEqualTo("\r\n--" + boundary + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/26"
                + "\r\n\r\nab\r\n--" + boundary + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 4-6/26\r\n\r\nefg"
                + "\r\n--" + boundary + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 24-25/26\r\n\r\nyz\r\n--"
                + boundary + "--\r\n");
        assertThat(r.headers().firstValue("content-length")).hasValue(String.valueOf(r.body().length()));
    }

    @Test
    void ifRangeAndWhatIsIgnoredOrRefused() throws Exception {
        storeAlphabet();
        assertThat(get("cache.test", "/abc", "Range", "bytes=0-0", "If-Range", "\"strong\"").statusCode())
                .as("If-Range with the stored strong tag").isEqualTo(206);
        assertThat(get("cache.test", "/abc", "Range", "bytes=0-0", "If-Range", "Sun, 06 Nov 1994 08:49:37 GMT")
                .statusCode()).as("If-Range with the stored Last-Modified").isEqualTo(206);
        HttpResponse<String> other = get("cache.test", "/abc", "Range", "bytes=0-0", "If-Range", "\"other\"");
        assertThat(other.statusCode()).as("If-Range that does not match: the whole response").isEqualTo(200);
        assertThat(other.body()).hasSize(26);
        assertThat(get("cache.test", "/abc", "Range", "bytes=0-0", "If-Range", "W/\"strong\"").statusCode())
                .as("a weak tag never matches If-Range").isEqualTo(200);
        assertThat(get("cache.test", "/abc", "Range", "items=0-1").statusCode()).as("another unit").isEqualTo(200);
        assertThat(get("cache.test", "/abc", "Range", "bytes=5-2").statusCode()).as("invalid").isEqualTo(200);
        assertThat(get("cache.test", "/abc", "Range", "bytes=" + "0-0,".repeat(17) + "1-1").statusCode())
                .as("more than 16 ranges").isEqualTo(200);
        HttpResponse<String> unsatisfiable = get("cache.test", "/abc", "Range", "bytes=26-30");
        assertThat(unsatisfiable.statusCode()).isEqualTo(416);
        assertThat(unsatisfiable.headers().firstValue("content-range")).hasValue("bytes */26");
        assertThat(unsatisfiable.body()).isEmpty();
        assertThat(origin.hits("/abc")).isEqualTo(1);
    }

    // ---------------------------------------------------------------- targeted fields (RFC 9213)

    @Test
    void cdnCacheControlOverridesCacheControlWhereTheRouteSays() throws Exception {
        twice("cdn.test", "/cdn", 200, 0, "Cache-Control", "no-store", "CDN-Cache-Control", "max-age=60");
        twice("cache.test", "/cdn-off", 200, 0, "Cache-Control", "no-store", "CDN-Cache-Control", "max-age=60");
        assertThat(origin.hits("/cdn")).isEqualTo(1);
        assertThat(origin.hits("/cdn-off")).as("targeted fields are off by default").isEqualTo(2);

        // the targeted field in force ignores Expires too
        twice("cdn.test", "/cdn-expires", 200, 30, "CDN-Cache-Control", "max-age=60", "Expires", clock.httpDate(-60));
        assertThat(origin.hits("/cdn-expires")).isEqualTo(1);
        // and CDN-Cache-Control: no-store wins over a Cache-Control that allows storing
        twice("cdn.test", "/cdn-no-store", 200, 0, "Cache-Control", "max-age=60", "CDN-Cache-Control", "no-store");
        assertThat(origin.hits("/cdn-no-store")).isEqualTo(2);
    }

    @Test
    void breakwatersOwnFieldComesFirstAndIsNeverForwarded() throws Exception {
        List<HttpResponse<String>> r = twice("cdn.test", "/own", 200, 0, "Breakwater-Cache-Control", "max-age=60",
                "CDN-Cache-Control", "no-store", "Cache-Control", "no-store");
        assertThat(origin.hits("/own")).isEqualTo(1);
        for (HttpResponse<String> each : r) {
            assertThat(each.headers().firstValue("breakwater-cache-control")).isEmpty();
            assertThat(each.headers().firstValue("cdn-cache-control")).as("for caches further down")
                    .hasValue("no-store");
        }
    }
}
