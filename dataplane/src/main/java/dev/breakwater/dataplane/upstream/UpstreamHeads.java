package dev.breakwater.dataplane.upstream;

import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.dataplane.request.HopByHop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.HttpConversionUtil;

/**
 * What a head needs on its way across the proxy beyond what the filters set: a request for the endpoint chosen (its
 * protocol's framing, its Host when the client sent none), a response for the client (the hop-by-hop headers and the
 * HTTP/2 stream codec's extension headers out).
 */
public final class UpstreamHeads {

    private static final HttpConversionUtil.ExtensionHeaderNames[] EXTENSIONS =
            HttpConversionUtil.ExtensionHeaderNames.values();

    private UpstreamHeads() {
    }

    /**
     * Prepares a request head for {@code endpoint}.
     *
     * @param host                the request's host, or null when it had none (the endpoint's is sent)
     * @param bodyOfUnknownLength true for a body of unknown length (HTTP/2), chunked for an HTTP/1.1 endpoint
     */
    public static void forEndpoint(HttpRequest req, String host, UpstreamEndpoint endpoint,
                                   boolean bodyOfUnknownLength) {
        HttpHeaders headers = req.headers();
        if (endpoint.protocol().http2()) {
            // HTTP/2 upstream: the stream codec takes :scheme from this header
            headers.set(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(),
                    endpoint.protocol().tls() ? "https" : "http");
        } else if (bodyOfUnknownLength && !HttpUtil.isContentLengthSet(req)) {
            // an HTTP/2 request body of unknown length, to an HTTP/1.1 endpoint: chunk it
            HttpUtil.setTransferEncodingChunked(req, true);
        }
        if (host == null) {
            headers.set(HttpHeaderNames.HOST, endpoint.key());
        }
        req.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    /** A WebSocket upgrade asks the endpoint for one (the client's hop-by-hop headers are gone). */
    static void upgrade(HttpHeaders headers) {
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
    }

    /**
     * Strips a response head of what is the hop's: hop-by-hop headers and, when it came from an HTTP/2 endpoint
     * ({@code fromHttp2}), the stream codec's extension headers.
     */
    public static void forClient(HttpHeaders headers, boolean fromHttp2) {
        HopByHop.strip(headers);
        if (fromHttp2) {
            for (HttpConversionUtil.ExtensionHeaderNames n : EXTENSIONS) {
                headers.remove(n.text());
            }
        }
    }
}
