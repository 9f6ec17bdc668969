package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.decoder.DirectDecompress;
import dev.breakwater.dataplane.cache.CacheConfig;
import dev.breakwater.dataplane.cache.ContentCoding;
import dev.breakwater.dataplane.testing.ScriptedOrigin;
import dev.breakwater.routing.CachePolicy;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Compression;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Response compression through real sockets: gzip and brotli, what is left alone, and cached variants. */
class CompressionTest {

    private static final String PAGE = "<html><body>" + "<p>Breakwater compresses text at the edge.</p>\n".repeat(200)
            + "</body></html>\n";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private ScriptedOrigin origin;
    private DataPlane proxy;

    @BeforeEach
    void start() throws Exception {
        origin = ScriptedOrigin.start();
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2)
                .cache(CacheConfig.DEFAULTS.withMaxBytes(1L << 20)).build().start();
        RoutePolicy compress = RoutePolicy.DEFAULTS.withCompression(Compression.DEFAULTS);
        proxy.apply(RoutingTable.of(List.of(
                        new VirtualHost("zip.test", List.of(route("zip", compress))),
                        new VirtualHost("both.test", List.of(route("both", compress.withCache(CachePolicy.DEFAULTS)))),
                        new VirtualHost("plain.test", List.of(route("plain", RoutePolicy.DEFAULTS)))),
                List.of(new Cluster("origin", Cluster.Protocol.HTTP1,
                        List.of(Endpoint.ready("127.0.0.1", origin.port()))))));
        origin.on("/page", 200, PAGE, "Content-Type", "text/html; charset=utf-8", "ETag", "\"p1\"");
    }

    @AfterEach
    void stop() {
        proxy.close();
        origin.close();
    }

    private static Route route(String name, RoutePolicy policy) {
        return new Route(name, "test", RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("origin"),
                policy);
    }

    private HttpResponse<byte[]> get(String host, String path, String acceptEncoding) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
                .header("Host", host).timeout(Duration.ofSeconds(30));
        if (acceptEncoding != null) {
            r.header("Accept-Encoding", acceptEncoding);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String gunzip(byte[] body) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String unbrotli(byte[] body) throws Exception {
        DirectDecompress d = Decoder.decompress(body);
        assertThat(d.getResultStatus()).isEqualTo(DecoderJNI.Status.DONE);
        return new String(d.getDecompressedData(), StandardCharsets.UTF_8);
    }

    @Test
    void gzipForAClientThatAcceptsOnlyGzip() throws Exception {
        HttpResponse<byte[]> r = get("zip.test", "/page", "gzip");
        assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(r.headers().allValues("vary")).anyMatch(v -> v.equalsIgnoreCase("Accept-Encoding"));
        assertThat(r.headers().firstValue("etag")).as("another representation: a weak tag").hasValue("W/\"p1\"");
        assertThat(r.body().length).isLessThan(PAGE.length() / 5);
        assertThat(gunzip(r.body())).isEqualTo(PAGE);
    }

    @Test
    void brotliWhereItLoadsAndTheClientPrefersIt() throws Exception {
        assertThat(ContentCoding.brotliAvailable()).as("brotli's native library loads on this machine").isTrue();
        HttpResponse<byte[]> r = get("zip.test", "/page", "gzip, deflate, br");
        assertThat(r.headers().firstValue("content-encoding")).hasValue("br");
        assertThat(unbrotli(r.body())).isEqualTo(PAGE);
    }

    @Test
    void aQValueOfZeroRefusesACoding() throws Exception {
        HttpResponse<byte[]> r = get("zip.test", "/page", "br;q=0, gzip;q=0.5");
        assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(gunzip(r.body())).isEqualTo(PAGE);
    }

    @Test
    void identityForAClientThatAcceptsNothing() throws Exception {
        HttpResponse<byte[]> r = get("zip.test", "/page", null);
        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        assertThat(r.headers().allValues("vary")).anyMatch(v -> v.equalsIgnoreCase("Accept-Encoding"));
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(PAGE);
    }

    @Test
    void leftAloneSmallBodiesOtherTypesEncodedBodiesNoTransformAndRoutesWithoutIt() throws Exception {
        origin.on("/small", 200, "<p>tiny</p>", "Content-Type", "text/html");
        origin.on("/png", 200, PAGE, "Content-Type", "image/png");
        origin.on("/encoded", 200, PAGE, "Content-Type", "text/html", "Content-Encoding", "deflate");
        origin.on("/notransform", 200, PAGE, "Content-Type", "text/html", "Cache-Control", "no-transform");
        for (String path : List.of("/small", "/png", "/encoded", "/notransform")) {
            HttpResponse<byte[]> r = get("zip.test", path, "gzip, br");
            assertThat(r.headers().firstValue("content-encoding")).as(path)
                    .isEqualTo(path.equals("/encoded") ? java.util.Optional.of("deflate") : java.util.Optional.empty());
        }
        assertThat(get("plain.test", "/page", "gzip, br").headers().firstValue("content-encoding")).isEmpty();
    }

    @Test
    void aLargeStreamedBodyIsCompressedAsItFlows() throws Exception {
        byte[] big = ("line of streamed text " + "0123456789".repeat(5) + "\n").repeat(40_000)
                .getBytes(StandardCharsets.UTF_8); // ~2.9 MB
        origin.on("/big", 200, big, 0, "Content-Type", "text/plain");
        HttpResponse<byte[]> r = get("zip.test", "/big", "gzip");
        assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(gunzip(r.body()).getBytes(StandardCharsets.UTF_8)).isEqualTo(big);
    }

    @Test
    void theCacheKeepsOneVariantPerEncoding() throws Exception {
        origin.on("/v", 200, PAGE, "Content-Type", "text/html", "Cache-Control", "max-age=60");
        HttpResponse<byte[]> gz = get("both.test", "/v", "gzip");
        HttpResponse<byte[]> br = get("both.test", "/v", "br, gzip");
        HttpResponse<byte[]> none = get("both.test", "/v", null);
        assertThat(origin.hits("/v")).isEqualTo(3);
        HttpResponse<byte[]> gzAgain = get("both.test", "/v", "gzip, deflate");
        HttpResponse<byte[]> brAgain = get("both.test", "/v", "br");
        HttpResponse<byte[]> noneAgain = get("both.test", "/v", "identity");
        assertThat(origin.hits("/v")).as("every variant came from the cache").isEqualTo(3);
        assertThat(gzAgain.headers().firstValue("x-cache-status")).hasValue("HIT");
        assertThat(gunzip(gz.body())).isEqualTo(PAGE);
        assertThat(gunzip(gzAgain.body())).isEqualTo(PAGE);
        assertThat(unbrotli(br.body())).isEqualTo(PAGE);
        assertThat(unbrotli(brAgain.body())).isEqualTo(PAGE);
        assertThat(new String(none.body(), StandardCharsets.UTF_8)).isEqualTo(PAGE);
        assertThat(new String(noneAgain.body(), StandardCharsets.UTF_8)).isEqualTo(PAGE);
        assertThat(noneAgain.headers().firstValue("content-encoding")).isEmpty();
    }
}
