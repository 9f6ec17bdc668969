package dev.breakwater.dataplane.backend;

import dev.breakwater.dataplane.http1.HeaderLines;
import dev.breakwater.dataplane.http1.LineHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * An endpoint's response whose head {@link ResponseHeadParser} read in place, with what its head says about the
 * connection decided while the lines were read: no second pass over the headers, and no lists of their values, to
 * learn whether the endpoint keeps the connection alive.
 */
public final class InPlaceResponse extends DefaultHttpResponse {

    private final boolean keepAlive;

    InPlaceResponse(HttpVersion version, HttpResponseStatus status, HeaderLines lines) {
        super(version, status, new LineHeaders(lines));
        keepAlive = keepAlive(version, lines);
    }

    /**
     * Whether the endpoint keeps the connection alive after {@code response}, as {@link HttpUtil#isKeepAlive} says:
     * no {@code close} token in any Connection header, and HTTP/1.1 or a {@code keep-alive} token.
     */
    public static boolean keepAlive(HttpResponse response) {
        return response instanceof InPlaceResponse r ? r.keepAlive : HttpUtil.isKeepAlive(response);
    }

    private static boolean keepAlive(HttpVersion version, HeaderLines lines) {
        boolean close = false;
        boolean keepAliveToken = false;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.nameIs(i, HttpHeaderNames.CONNECTION)) {
                AsciiString value = lines.value(i);
                close |= hasToken(value, HttpHeaderValues.CLOSE);
                keepAliveToken |= hasToken(value, HttpHeaderValues.KEEP_ALIVE);
            }
        }
        return !close && (version.isKeepAliveDefault() || keepAliveToken);
    }

    /** {@code token} is one of the comma-separated elements of {@code value}, compared without case, trimmed. */
    static boolean hasToken(AsciiString value, AsciiString token) {
        int start = 0;
        int length = value.length();
        while (start <= length) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? length : comma;
            int from = start;
            int to = end;
            while (from < to && value.byteAt(from) <= ' ') {
                from++;
            }
            while (to > from && value.byteAt(to - 1) <= ' ') {
                to--;
            }
            if (to - from == token.length() && value.regionMatches(true, from, token, 0, token.length())) {
                return true;
            }
            if (comma < 0) {
                return false;
            }
            start = comma + 1;
        }
        return false;
    }
}
