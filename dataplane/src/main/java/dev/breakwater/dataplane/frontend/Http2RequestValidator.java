package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.request.RequestHeadCheck;
import dev.breakwater.dataplane.request.RequestTarget;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Rejects malformed HTTP/2 requests (RFC 9113 section 8.1.1 and 8.3.1) with RST_STREAM PROTOCOL_ERROR before
 * they reach a stream: a request head without {@code :method}, {@code :scheme} or {@code :path} (or with an
 * empty {@code :path}); trailers that carry pseudo-headers or do not end the stream; a body whose length
 * differs from its {@code content-length}. A method outside upper-case letters, a {@code :path} with a space or
 * control character (which an HTTP/1.1 request line cannot carry), and a {@code host} header naming another host
 * than {@code :authority} are answered 400. Called by {@link Http2Streams} for each HEADERS and DATA frame of a
 * request; what it counts of a body is kept in the body's {@link Http2ClientStream}.
 */
final class Http2RequestValidator {

    /** {@link #acceptHead}'s answer for a head refused (reset or answered 400). */
    static final long REFUSED = -2;

    private Http2RequestValidator() {
    }

    /**
     * Checks the head that opens stream {@code id}: its declared body length (-1 for none or no body), or
     * {@link #REFUSED} when the stream was reset or answered here.
     */
    static long acceptHead(Http2EdgeHandler edge, int id, Http2Headers h, boolean endStream) {
        CharSequence method = h.method();
        boolean connect = method != null && "CONNECT".contentEquals(method);
        if (method == null || !connect && (h.scheme() == null || h.path() == null || h.path().length() == 0)) {
            edge.reset(id, Http2Error.PROTOCOL_ERROR);
            return REFUSED;
        }
        if (!RequestHeadCheck.validMethod(method)) {
            return badRequest(edge, id, endStream, "the method must be upper-case letters, '-' or '_'");
        }
        if (!connect && !RequestTarget.readable(h.path())) {
            return badRequest(edge, id, endStream, "the path has a space or a control character");
        }
        if (!sameHost(h)) {
            return badRequest(edge, id, endStream, "the host header and :authority name different hosts");
        }
        if (endStream) {
            return -1;
        }
        CharSequence length = h.get(HttpHeaderNames.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.toString());
        } catch (NumberFormatException e) {
            edge.reset(id, Http2Error.PROTOCOL_ERROR);
            return REFUSED;
        }
    }

    /** Checks the trailers of {@code s}'s request: false when the stream was reset. */
    static boolean acceptTrailers(Http2EdgeHandler edge, Http2ClientStream s, Http2Headers h, boolean endStream) {
        if (!endStream || hasPseudoHeader(h)
                || s.declaredLength >= 0 && s.declaredLength != s.received) {
            edge.reset(s.id, Http2Error.PROTOCOL_ERROR);
            return false;
        }
        return true;
    }

    /** Counts a DATA frame of {@code s}'s request against its declared length: false when the stream was reset. */
    static boolean acceptData(Http2EdgeHandler edge, Http2ClientStream s, int length, boolean endStream) {
        s.received += length;
        if (s.declaredLength < 0) {
            return true;
        }
        if (s.received > s.declaredLength || endStream && s.received != s.declaredLength) {
            edge.reset(s.id, Http2Error.PROTOCOL_ERROR);
            return false;
        }
        return true;
    }

    /** RFC 9113 section 8.3.1: a host header, where there is one beside :authority, names the same host. */
    private static boolean sameHost(Http2Headers h) {
        CharSequence authority = h.authority();
        if (authority == null) {
            return true;
        }
        for (CharSequence host : h.getAll(HttpHeaderNames.HOST)) {
            if (!AsciiString.contentEqualsIgnoreCase(host, authority)) {
                return false;
            }
        }
        return true;
    }

    /** Answers the stream 400 with the reason, and ends it (a body still on its way is refused by RST_STREAM). */
    private static long badRequest(Http2EdgeHandler edge, int id, boolean endStream, String reason) {
        byte[] body = ("400 Bad Request: " + reason + "\n").getBytes(StandardCharsets.UTF_8);
        Http2Headers head = new DefaultHttp2Headers().status("400")
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        edge.writeHeaders(id, head, false, null);
        edge.writeData(id, Unpooled.wrappedBuffer(body), true, null);
        if (!endStream) {
            edge.reset(id, Http2Error.NO_ERROR);
        }
        edge.flushSoon();
        return REFUSED;
    }

    private static boolean hasPseudoHeader(Http2Headers h) {
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iterator(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (name.length() > 0 && name.charAt(0) == ':') {
                return true;
            }
        }
        return false;
    }
}
