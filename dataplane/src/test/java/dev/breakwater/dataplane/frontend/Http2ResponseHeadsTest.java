package dev.breakwater.dataplane.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A response head as HEADERS: the same names, values and order as Netty's own conversion gives, without sockets. */
class Http2ResponseHeadsTest {

    private static HttpResponse head(String... namesAndValues) {
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            res.headers().add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return res;
    }

    private static List<String> entries(Http2Headers h) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            out.add(e.getKey() + ": " + e.getValue());
        }
        return out;
    }

    private static void sameAsNetty(HttpResponse res) {
        assertThat(entries(Http2ResponseHeads.of(res)))
                .isEqualTo(entries(HttpConversionUtil.toHttp2Headers(res, true)));
    }

    @Test
    void aTypicalOriginHeadIsLowerCasedInOrder() {
        HttpResponse res = head("Server", "nginx", "Date", "Wed, 02 Dec 2026 13:00:00 GMT", "Content-Type",
                "text/plain", "Content-Length", "1024", "Last-Modified", "Wed, 02 Dec 2026 12:00:00 GMT", "ETag",
                "\"abc\"", "Accept-Ranges", "bytes", "X-Custom-Thing", "1", "set-cookie", "a=1", "Set-Cookie", "b=2");
        sameAsNetty(res);
        assertThat(Http2ResponseHeads.of(res).status().toString()).isEqualTo("200");
        assertThat(entries(Http2ResponseHeads.of(res))).contains("x-custom-thing: 1", "set-cookie: a=1",
                "set-cookie: b=2");
    }

    @Test
    void connectionSpecificHeadersAreDropped() {
        HttpResponse res = head("Keep-Alive", "timeout=5", "Transfer-Encoding", "chunked", "Upgrade", "h2c",
                "Proxy-Connection", "keep-alive", "Host", "a.test", "Content-Type", "text/plain");
        sameAsNetty(res);
        assertThat(entries(Http2ResponseHeads.of(res))).containsExactly(":status: 200", "content-type: text/plain");
    }

    @Test
    void headsWithRulesOfTheirOwnAreConvertedAsNettyDoes() {
        sameAsNetty(head("Connection", "close, X-Drop", "X-Drop", "1", "Content-Type", "text/plain"));
        sameAsNetty(head("TE", "trailers, gzip", "Content-Type", "text/plain"));
        sameAsNetty(head("Cookie", "a=1; b=2", "Content-Type", "text/plain"));
        sameAsNetty(head("x-http2-stream-id", "3", "x-http2-stream-weight", "16", "Content-Type", "text/plain"));
    }

    @Test
    void namesAlreadyInLowerCaseAndConstantsPassAsTheyAre() {
        HttpResponse res = head("content-type", "text/plain", "grpc-status", "0", "GRPC-MESSAGE", "ok");
        res.headers().add(io.netty.handler.codec.http.HttpHeaderNames.VARY, "accept-encoding");
        sameAsNetty(res);
    }
}
