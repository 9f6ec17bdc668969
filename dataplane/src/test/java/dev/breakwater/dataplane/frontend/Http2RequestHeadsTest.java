package dev.breakwater.dataplane.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

/** The request head an HTTP/2 stream opens, as Netty's conversion makes it once the edge check has run. */
class Http2RequestHeadsTest {

    private static Http2Headers get() {
        return new DefaultHttp2Headers().method("GET").scheme("https").authority("a.test").path("/x?y=1")
                .add("accept", "text/plain");
    }

    @Test
    void aHeadThatEndsTheStreamIsAHeadWithoutFraming() throws Exception {
        HttpRequest req = Http2RequestHeads.request(1, get(), true);
        assertThat(req).isNotInstanceOf(FullHttpRequest.class);
        assertThat(req.method().name()).isEqualTo("GET");
        assertThat(req.uri()).isEqualTo("/x?y=1");
        assertThat(req.headers().get("host")).isEqualTo("a.test");
        assertThat(req.headers().get("accept")).isEqualTo("text/plain");
        assertThat(req.headers().contains("transfer-encoding")).as("no body follows").isFalse();
        assertThat(req.headers().names()).containsExactlyInAnyOrder("host", "accept");
    }

    @Test
    void aBodyOfUnknownLengthIsChunkedAndADeclaredOneKeepsItsLength() throws Exception {
        assertThat(Http2RequestHeads.request(1, get().method("POST"), false).headers().get("transfer-encoding"))
                .isEqualTo("chunked");
        HttpRequest sized = Http2RequestHeads.request(1, get().method("POST").setInt("content-length", 3), false);
        assertThat(sized.headers().get("content-length")).isEqualTo("3");
        assertThat(sized.headers().contains("transfer-encoding")).isFalse();
    }

    @Test
    void cookieCrumbsAreJoinedAndExtensionAndFramingHeadersDropped() throws Exception {
        Http2Headers h = get().add("cookie", "a=1").add("cookie", "b=2").add("x-http2-scheme", "http")
                .add("x-http2-stream-id", "7").add("trailer", "x-sum").add("te", "trailers");
        HttpRequest req = Http2RequestHeads.request(1, h, true);
        assertThat(req.headers().getAll("cookie")).containsExactly("a=1; b=2");
        assertThat(req.headers().names()).containsExactlyInAnyOrder("host", "accept", "cookie", "te");
    }

    @Test
    void theSameHeadAsNettysConversionAfterTheEdgeCheck() throws Exception {
        // names as the HPACK decoder gives them (AsciiString: Netty joins cookie crumbs only then)
        Http2Headers h = get().add(AsciiString.of("cookie"), "a=1").add(AsciiString.of("cookie"), "b=2")
                .add("host", "A.test")
                .add("x-forwarded-for", "192.0.2.1").add("content-type", "text/plain");
        HttpRequest ours = Http2RequestHeads.request(3, h, true);
        HttpRequest netty = HttpConversionUtil.toHttpRequest(3, h, true);
        for (HttpConversionUtil.ExtensionHeaderNames n : HttpConversionUtil.ExtensionHeaderNames.values()) {
            netty.headers().remove(n.text());
        }
        assertThat(ours.method()).isEqualTo(netty.method());
        assertThat(ours.uri()).isEqualTo(netty.uri());
        assertThat(ours.headers().entries().toString()).isEqualTo(netty.headers().entries().toString());
    }

    @Test
    void aHostHeaderNamingAnotherHostThanTheAuthorityIsAStreamError() {
        assertThatThrownBy(() -> Http2RequestHeads.request(1, get().add("host", "b.test"), true))
                .isInstanceOf(Http2Exception.class);
    }
}
