package dev.breakwater.dataplane.request;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Locale;
import java.util.Set;

/**
 * Removes the hop-by-hop headers of RFC 9110 section 7.6.1 from a message being forwarded: those its Connection header
 * names, and Connection, Keep-Alive, Proxy-Connection, TE (but {@code TE: trailers}), Trailer and Upgrade.
 *
 * <p>A Connection header never removes a header that frames or routes the message, or that this proxy sets or
 * reads on the endpoint's behalf: {@code Connection: content-length} would otherwise forward a body without its
 * framing (request smuggling), {@code Connection: host} a request without its host, and
 * {@code Connection: x-forwarded-for} would take away the trusted client address. Such tokens are ignored, as nginx
 * ignores them. Transfer-Encoding is kept: it frames the body, and the outgoing encoder re-frames with it.
 */
public final class HopByHop {

    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

    /** Headers a Connection header may name but never removes (lower case). */
    static final Set<String> PROTECTED = Set.of("content-length", "transfer-encoding", "host", "te", "connection",
            "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "x-forwarded-prefix",
            "forwarded", "x-real-ip", "x-request-id", "ssl-client-verify", "ssl-client-subject-dn",
            "ssl-client-issuer-dn", "x-original-uri", "x-original-url", "x-original-method");

    private HopByHop() {
    }

    public static void strip(HttpHeaders headers) {
        String connection = headers.get(HttpHeaderNames.CONNECTION);
        if (connection != null) {
            for (String line : headers.getAll(HttpHeaderNames.CONNECTION)) {
                removeNamed(headers, line);
            }
            headers.remove(HttpHeaderNames.CONNECTION);
        }
        if (headers.isEmpty()) {
            return;
        }
        headers.remove(HttpHeaderNames.KEEP_ALIVE);
        headers.remove(PROXY_CONNECTION);
        String te = headers.get(HttpHeaderNames.TE);
        if (te != null && !te.trim().equalsIgnoreCase("trailers")) {
            headers.remove(HttpHeaderNames.TE); // "TE: trailers" is kept: gRPC endpoints require it
        }
        headers.remove(HttpHeaderNames.TRAILER);
        headers.remove(HttpHeaderNames.UPGRADE);
    }

    private static void removeNamed(HttpHeaders headers, String connection) {
        int start = 0;
        while (start < connection.length()) {
            int comma = connection.indexOf(',', start);
            int end = comma < 0 ? connection.length() : comma;
            String token = connection.substring(start, end).trim();
            if (!token.isEmpty() && !PROTECTED.contains(token.toLowerCase(Locale.ROOT))) {
                headers.remove(token);
            }
            start = end + 1;
        }
    }
}
