package dev.breakwater.dataplane.frontend;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;

/**
 * The request head an HTTP/2 stream's first HEADERS frame opens, as the exchange checks, routes and forwards it:
 * the same head as Netty's {@link HttpConversionUtil#toHttpRequest(int, Http2Headers, boolean)} once the edge's
 * check has removed the conversion's extension headers, made in one pass without them. Netty looks every name up in
 * two tables (pseudo-header translations, names it drops), adds {@code x-http2-scheme} and {@code x-http2-stream-id}
 * (which the check then removes, as a client may not send them), and removes headers that HTTP/2 cannot carry with
 * a lookup each; here {@code :authority} becomes {@code Host} (a {@code host} header beside it must name the same
 * host and is then dropped, as Netty does), the other pseudo-headers are read by name, crumbled {@code cookie}
 * fields are joined into one (RFC 9113 section 8.2.3), the extension and framing headers are dropped and the rest
 * is copied as it is. The headers are validated as any
 * HTTP/1.1 head's (names and values: no CR or LF may reach an HTTP/1.1 endpoint).
 */
final class Http2RequestHeads {

    private static final AsciiString AUTHORITY = Http2Headers.PseudoHeaderName.AUTHORITY.value();
    private static final AsciiString X_HTTP2 = AsciiString.cached("x-http2-");

    private Http2RequestHeads() {
    }

    /**
     * The head of the request that {@code headers} open. When they do not end the stream, a body follows: of unknown
     * length unless the head says, it is marked chunked (as the HTTP/1.1 view of a stream body).
     */
    static HttpRequest request(int streamId, Http2Headers headers, boolean endStream) throws Http2Exception {
        CharSequence method = headers.method();
        CharSequence path = headers.path();
        if (method == null || path == null) {
            throw Http2Exception.streamError(streamId, Http2Error.PROTOCOL_ERROR,
                    "a request head without :method or :path");
        }
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method.toString()),
                path.toString(), true);
        HttpHeaders out = req.headers();
        StringBuilder cookies = null;
        boolean contentLength = false;
        boolean host = false;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iterator(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            if (name.length() > 0 && name.charAt(0) == ':') {
                if (AUTHORITY.contentEquals(name)) {
                    out.add(HttpHeaderNames.HOST, e.getValue());
                    host = true;
                }
                continue; // :method, :path and :scheme are read by name; the decoder refuses any other
            }
            if (HttpHeaderNames.COOKIE.contentEquals(name)) {
                cookies = cookies == null ? new StringBuilder(e.getValue()) : cookies.append("; ").append(e.getValue());
            } else if (HttpHeaderNames.HOST.contentEqualsIgnoreCase(name)) {
                if (!host) {
                    out.add(HttpHeaderNames.HOST, e.getValue());
                    host = true;
                } else if (!AsciiString.contentEqualsIgnoreCase(out.get(HttpHeaderNames.HOST), e.getValue())) {
                    throw Http2Exception.streamError(streamId, Http2Error.PROTOCOL_ERROR,
                            "Conflicting ':authority' and 'host' headers found");
                }
            } else if (!dropped(name)) {
                contentLength |= HttpHeaderNames.CONTENT_LENGTH.contentEquals(name);
                out.add(name, e.getValue());
            }
        }
        if (cookies != null) {
            out.add(HttpHeaderNames.COOKIE, cookies.toString());
        }
        if (!endStream && !contentLength) {
            out.add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return req;
    }

    /**
     * What Netty's conversion drops: framing HTTP/2 has no use for (the decoder refuses Connection already) and its
     * own {@code x-http2-} extension headers, which a client may not send.
     */
    private static boolean dropped(CharSequence name) {
        return switch (name.length()) {
            case 7 -> HttpHeaderNames.TRAILER.contentEquals(name);
            case 10 -> HttpHeaderNames.CONNECTION.contentEquals(name);
            case 17 -> HttpHeaderNames.TRANSFER_ENCODING.contentEquals(name) || extension(name);
            default -> name.length() > X_HTTP2.length() && extension(name);
        };
    }

    private static boolean extension(CharSequence name) {
        return AsciiString.regionMatches(name, false, 0, X_HTTP2, 0, X_HTTP2.length());
    }
}
