package dev.breakwater.dataplane.request;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
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
            "ssl-client-issuer-dn", "ssl-client-cert", "x-original-uri", "x-original-url", "x-original-method");

    private HopByHop() {
    }

    private static final int CONNECTION = 1;
    private static final int KEEP_ALIVE = 2;
    private static final int PROXY_CONN = 4;
    private static final int TE = 8;
    private static final int TRAILER = 16;
    private static final int UPGRADE = 32;
    private static final int CLIENT_TLS = 64;

    /**
     * The headers in which the proxy tells an endpoint what a client's certificate proved (ingress-nginx's names).
     * A client's own copies are never forwarded, on any route: an endpoint behind a route without client
     * certificates that trusts {@code ssl-client-verify: SUCCESS} would otherwise take a client's word for it
     * (Envoy sanitises its {@code x-forwarded-client-cert} the same way by default).
     */
    private static final AsciiString[] CLIENT_TLS_NAMES = {AsciiString.cached("ssl-client-verify"),
        AsciiString.cached("ssl-client-subject-dn"), AsciiString.cached("ssl-client-issuer-dn"),
        AsciiString.cached("ssl-client-cert")};

    /** A response's hop-by-hop headers removed (and those a Connection header names). */
    public static void strip(HttpHeaders headers) {
        strip(headers, false);
    }

    /** A client's request: its hop-by-hop headers removed, and any header the proxy alone may send to an endpoint. */
    public static void stripRequest(HttpHeaders headers) {
        strip(headers, true);
    }

    private static void strip(HttpHeaders headers, boolean request) {
        // one pass over the names says which are here: most messages carry none but Connection, and a removal of a
        // name that is absent costs a case-insensitive hash of it all the same
        int present = 0;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            present |= bit(it.next().getKey());
        }
        if (!request) {
            present &= ~CLIENT_TLS;
        }
        if (present == 0) {
            return;
        }
        if ((present & CLIENT_TLS) != 0) {
            for (AsciiString name : CLIENT_TLS_NAMES) {
                headers.remove(name);
            }
        }
        if ((present & CONNECTION) != 0) {
            for (String line : headers.getAll(HttpHeaderNames.CONNECTION)) {
                removeNamed(headers, line);
            }
            headers.remove(HttpHeaderNames.CONNECTION);
        }
        if ((present & KEEP_ALIVE) != 0) {
            headers.remove(HttpHeaderNames.KEEP_ALIVE);
        }
        if ((present & PROXY_CONN) != 0) {
            headers.remove(PROXY_CONNECTION);
        }
        if ((present & TE) != 0) {
            String te = headers.get(HttpHeaderNames.TE);
            if (te != null && !te.trim().equalsIgnoreCase("trailers")) {
                headers.remove(HttpHeaderNames.TE); // "TE: trailers" is kept: gRPC endpoints require it
            }
        }
        if ((present & TRAILER) != 0) {
            headers.remove(HttpHeaderNames.TRAILER);
        }
        if ((present & UPGRADE) != 0) {
            headers.remove(HttpHeaderNames.UPGRADE);
        }
    }

    /** The bit of a hop-by-hop header's name, 0 for any other name. */
    private static int bit(CharSequence name) {
        return switch (name.length()) {
            case 2 -> AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TE) ? TE : 0;
            case 7 -> AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRAILER) ? TRAILER
                    : AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.UPGRADE) ? UPGRADE : 0;
            case 10 -> AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION) ? CONNECTION
                    : AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.KEEP_ALIVE) ? KEEP_ALIVE : 0;
            case 16 -> AsciiString.contentEqualsIgnoreCase(name, PROXY_CONNECTION) ? PROXY_CONN : 0;
            case 15, 17, 20, 21 -> clientTls(name) ? CLIENT_TLS : 0;
            default -> 0;
        };
    }

    private static boolean clientTls(CharSequence name) {
        for (AsciiString n : CLIENT_TLS_NAMES) {
            if (AsciiString.contentEqualsIgnoreCase(name, n)) {
                return true;
            }
        }
        return false;
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
