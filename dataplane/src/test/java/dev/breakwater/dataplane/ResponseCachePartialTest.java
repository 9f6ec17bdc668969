package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.cache.CacheConfig;
import dev.breakwater.dataplane.testing.LeakGuard;
import dev.breakwater.dataplane.testing.RawBackend;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 206 responses stored and combined (RFC 9111 3.3 and 3.4) through real sockets: a raw origin that answers each
 * {@code Range} with a single-part 206 of its current representation, the clients' answers, and what reached the
 * origin (so what the cache held).
 */
@ExtendWith(LeakGuard.class)
class ResponseCachePartialTest {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ResponseCacheTest.TestClock clock = new ResponseCacheTest.TestClock();
    private RawBackend origin;
    private DataPlane proxy;
    /** What the origin serves now: its body and its ETag line (or none). */
    private volatile String representation = ALPHABET;
    private volatile String etag = "\"v1\"";

    @BeforeEach
    void start() throws Exception {
        origin = RawBackend.start().respondWith(this::answer);
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2)
                .cache(CacheConfig.DEFAULTS.withClock(clock).withMaxBytes(4L << 20)).build().start();
        proxy.apply(RoutingTable.of(List.of(new VirtualHost("cache.test", List.of(new Route("cache.test", "test",
                        RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("origin"),
                        RoutePolicy.DEFAULTS.withCache(CachePolicy.DEFAULTS))))),
                List.of(new Cluster("origin", Cluster.Protocol.HTTP1,
                        List.of(Endpoint.ready("127.0.0.1", origin.port()))))));
    }

    @AfterEach
    void stop() {
        proxy.close();
        origin.close();
    }

    /** The origin: a 206 of the range asked for, or the whole 200; fresh for a minute, with the current ETag. */
    private byte[] answer(RawBackend.Received r) {
        String body = representation;
        String common = "Date: " + clock.httpDate(0) + "\r\nCache-Control: max-age=60\r\nContent-Type: text/plain\r\n"
                + (etag == null ? "" : "ETag: " + etag + "\r\n");
        String range = r.header("Range");
        Matcher m = range == null ? null : RANGE.matcher(range);
        if (m != null && m.matches()) {
            int first = Integer.parseInt(m.group(1));
            int last = Math.min(Integer.parseInt(m.group(2)), body.length() - 1);
            String part = body.substring(first, last + 1);
            return ("HTTP/1.1 206 Partial Content\r\n" + common + "Content-Range: bytes " + first + "-" + last + "/"
                    + body.length() + "\r\nContent-Length: " + part.length() + "\r\n\r\n" + part)
                    .getBytes(StandardCharsets.US_ASCII);
        }
        return ("HTTP/1.1 200 OK\r\n" + common + "Content-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }

    private HttpResponse<String> get(String path, String range) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                .header("Host", "cache.test").timeout(Duration.ofSeconds(30));
        if (range != null) {
            r.header("Range", range);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String status(HttpResponse<?> r) {
        return r.headers().firstValue("x-cache-status").orElse("none");
    }

    private static String contentRange(HttpResponse<?> r) {
        return r.headers().firstValue("content-range").orElse(null);
    }

    @Test
    void aStoredPartAnswersTheRangesItHolds() throws Exception {
        HttpResponse<String> first = get("/part", "bytes=0-9");
        assertThat(first.statusCode()).isEqualTo(206);
        assertThat(first.body()).isEqualTo("abcdefghij");
        assertThat(status(first)).isEqualTo("MISS");
        assertThat(origin.received().get(0).header("Range")).as("the origin got the client's Range")
                .isEqualTo("bytes=0-9");

        clock.advance(Duration.ofSeconds(5));
        HttpResponse<String> inside = get("/part", "bytes=2-5");
        assertThat(inside.statusCode()).isEqualTo(206);
        assertThat(inside.body()).isEqualTo("cdef");
        assertThat(contentRange(inside)).isEqualTo("bytes 2-5/26");
        assertThat(status(inside)).isEqualTo("HIT");
        assertThat(inside.headers().firstValue("age")).hasValue("5");
        assertThat(inside.headers().firstValue("etag")).hasValue("\"v1\"");
        assertThat(origin.received()).hasSize(1);

        // what the part does not hold goes to the origin: a range beyond it, the whole response
        assertThat(get("/part", "bytes=20-25").body()).isEqualTo("uvwxyz");
        assertThat(origin.received()).hasSize(2);
        HttpResponse<String> whole = get("/part", null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(ALPHABET);
        assertThat(origin.received()).hasSize(3);
        assertThat(origin.received().get(2).header("Range")).isNull();
        // the whole 200 replaced the parts: every range is now answered from it
        assertThat(get("/part", "bytes=12-14").body()).isEqualTo("mno");
        assertThat(origin.received()).hasSize(3);
    }

    @Test
    void partsWithTheSameStrongTagAreCombinedIntoACompleteEntry() throws Exception {
        assertThat(get("/combine", "bytes=0-9").body()).isEqualTo("abcdefghij");
        assertThat(get("/combine", "bytes=18-25").body()).isEqualTo("stuvwxyz");
        // the span between the parts is not held yet
        HttpResponse<String> across = get("/combine", "bytes=8-19");
        assertThat(across.body()).isEqualTo("ijklmnopqrst");
        assertThat(status(across)).isEqualTo("MISS");
        assertThat(origin.received()).hasSize(3);

        // now every byte is held: a complete entry, answering a request without Range and ranges across the parts
        HttpResponse<String> whole = get("/combine", null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(ALPHABET);
        assertThat(status(whole)).isEqualTo("HIT");
        assertThat(whole.headers().firstValue("content-length")).hasValue("26");
        assertThat(contentRange(whole)).isNull();
        HttpResponse<String> span = get("/combine", "bytes=5-20");
        assertThat(span.statusCode()).isEqualTo(206);
        assertThat(span.body()).isEqualTo("fghijklmnopqrstu");
        assertThat(contentRange(span)).isEqualTo("bytes 5-20/26");
        assertThat(origin.received()).as("answered from the combined entry").hasSize(3);
    }

    @Test
    void partsWithDifferentEntityTagsAreNeverCombined() throws Exception {
        assertThat(get("/changed", "bytes=0-12").body()).isEqualTo("abcdefghijklm");
        representation = ALPHABET.toUpperCase();
        etag = "\"v2\"";
        assertThat(get("/changed", "bytes=13-25").body()).isEqualTo("NOPQRSTUVWXYZ");
        // the v2 part replaced the v1 one: the whole is fetched, never made of both
        HttpResponse<String> whole = get("/changed", null);
        assertThat(whole.body()).isEqualTo(ALPHABET.toUpperCase());
        assertThat(status(whole)).isEqualTo("MISS");
        assertThat(origin.received()).hasSize(3);
        // and nothing of v1 is left to answer from
        assertThat(get("/changed", "bytes=0-3").body()).isEqualTo("ABCD");
        assertThat(origin.received()).hasSize(3);
    }

    @Test
    void aWeakTagOrNoTagMeansThePartIsNotStored() throws Exception {
        etag = "W/\"v1\"";
        get("/weak", "bytes=0-9");
        assertThat(get("/weak", "bytes=0-9").body()).isEqualTo("abcdefghij");
        assertThat(origin.received()).as("a weak validator: neither stored nor combined").hasSize(2);
        get("/weak", "bytes=10-25");
        assertThat(status(get("/weak", null))).isEqualTo("MISS");
        assertThat(origin.received()).hasSize(4);

        etag = null;
        get("/untagged", "bytes=0-9");
        assertThat(status(get("/untagged", "bytes=0-9"))).isEqualTo("MISS");
        assertThat(origin.received()).hasSize(6);
    }

    @Test
    void aPartOfUnknownLengthOrSeveralPartsIsNotStored() throws Exception {
        origin.respondWith(r -> ("HTTP/1.1 206 Partial Content\r\nDate: " + clock.httpDate(0)
                + "\r\nCache-Control: max-age=60\r\nETag: \"v1\"\r\nContent-Range: bytes 0-3/*\r\n"
                + "Content-Length: 4\r\n\r\nabcd").getBytes(StandardCharsets.US_ASCII));
        get("/unknown-length", "bytes=0-3");
        assertThat(status(get("/unknown-length", "bytes=0-3"))).isEqualTo("MISS");
        assertThat(origin.received()).hasSize(2);

        String multipart = "\r\n--b\r\nContent-Range: bytes 0-0/26\r\n\r\na\r\n--b\r\nContent-Range: bytes 2-2/26"
                + "\r\n\r\nc\r\n--b--\r\n";
        origin.respondWith(r -> ("HTTP/1.1 206 Partial Content\r\nDate: " + clock.httpDate(0)
                + "\r\nCache-Control: max-age=60\r\nETag: \"v1\"\r\nContent-Type: multipart/byteranges; boundary=b\r\n"
                + "Content-Length: " + multipart.length() + "\r\n\r\n" + multipart).getBytes(StandardCharsets.US_ASCII));
        assertThat(get("/multi", "bytes=0-0,2-2").body()).isEqualTo(multipart);
        assertThat(status(get("/multi", "bytes=0-0,2-2"))).isEqualTo("MISS");
        assertThat(origin.received()).hasSize(4);
    }

    @Test
    void aStoredPartIsNotServedOnceStale() throws Exception {
        get("/stale-part", "bytes=0-9");
        clock.advance(Duration.ofSeconds(61));
        HttpResponse<String> later = get("/stale-part", "bytes=0-9");
        assertThat(later.body()).isEqualTo("abcdefghij");
        assertThat(status(later)).isEqualTo("MISS");
        assertThat(origin.received()).hasSize(2);
        assertThat(status(get("/stale-part", "bytes=3-4"))).as("the fresh part stored again").isEqualTo("HIT");
    }
}
