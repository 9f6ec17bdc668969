package dev.breakwater.dataplane.frontend;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * Removes the hop-by-hop headers of RFC 9110 section 7.6.1 from a message being forwarded: those listed in
 * its Connection header, and Connection, Keep-Alive, Proxy-Connection, TE (but {@code TE: trailers}), Trailer and
 * Upgrade.
 * Transfer-Encoding is kept: it frames the body, and the outgoing encoder re-frames with it.
 */
final class HopByHop {

    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

    private HopByHop() {
    }

    static void strip(HttpHeaders headers) {
        String connection = headers.get(HttpHeaderNames.CONNECTION);
        if (connection != null) {
            int start = 0;
            while (start < connection.length()) {
                int comma = connection.indexOf(',', start);
                int end = comma < 0 ? connection.length() : comma;
                String token = connection.substring(start, end).trim();
                if (!token.isEmpty() && !token.equalsIgnoreCase("transfer-encoding")) {
                    headers.remove(token);
                }
                start = end + 1;
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
}
