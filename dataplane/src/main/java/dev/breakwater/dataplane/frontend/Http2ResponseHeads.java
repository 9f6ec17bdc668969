package dev.breakwater.dataplane.frontend;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;

/**
 * A response head as an HTTP/2 client stream's HEADERS: the same headers as Netty's
 * {@link HttpConversionUtil#toHttp2Headers(io.netty.handler.codec.http.HttpMessage, boolean)} gives, made without its
 * per-response costs where nothing needs them. Netty lower-cases every name into two new strings and builds a map of
 * the names a Connection header nominates, for every response; here the names responses carry most are looked up
 * among lower-case constants, and the few heads that need Netty's special rules (a Connection header, TE, Cookie, an
 * {@code x-http2-} extension header) are converted by Netty itself.
 */
final class Http2ResponseHeads {

    /** Lower-case names that responses carry most, in a table by case-insensitive hash (first come in a slot). */
    private static final AsciiString[] COMMON = new AsciiString[256];
    private static final int MASK = COMMON.length - 1;

    static {
        AsciiString[] names = {
            HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.DATE, HttpHeaderNames.SERVER,
            HttpHeaderNames.LAST_MODIFIED, HttpHeaderNames.ETAG, HttpHeaderNames.ACCEPT_RANGES,
            HttpHeaderNames.CACHE_CONTROL, HttpHeaderNames.EXPIRES, HttpHeaderNames.VARY, HttpHeaderNames.SET_COOKIE,
            HttpHeaderNames.LOCATION, HttpHeaderNames.CONTENT_ENCODING, HttpHeaderNames.AGE,
            AsciiString.cached("strict-transport-security"), HttpHeaderNames.CONTENT_LANGUAGE,
            HttpHeaderNames.CONTENT_DISPOSITION, HttpHeaderNames.CONTENT_RANGE, HttpHeaderNames.WWW_AUTHENTICATE,
            HttpHeaderNames.RETRY_AFTER, HttpHeaderNames.PRAGMA, HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN,
            HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS,
            HttpHeaderNames.X_FRAME_OPTIONS, HttpHeaderNames.CONTENT_SECURITY_POLICY,
            AsciiString.cached("x-content-type-options"), AsciiString.cached("x-request-id"),
            AsciiString.cached("x-cache-status"), AsciiString.cached("referrer-policy"), AsciiString.cached("link"),
            AsciiString.cached("alt-svc"), AsciiString.cached("grpc-status"), AsciiString.cached("grpc-message"),
            AsciiString.cached("grpc-encoding"), AsciiString.cached("grpc-accept-encoding"),
        };
        for (AsciiString n : names) {
            int slot = AsciiString.hashCode(n) & MASK;
            if (COMMON[slot] == null) {
                COMMON[slot] = n; // a name whose slot is taken is lower-cased as any other
            }
        }
    }

    private Http2ResponseHeads() {
    }

    /** The HEADERS of {@code res}: its status and its headers but those that are not HTTP/2's. */
    static Http2Headers of(HttpResponse res) {
        HttpHeaders in = res.headers();
        Http2Headers out = new DefaultHttp2Headers(true, in.size());
        out.status(res.status().codeAsText());
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = in.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            AsciiString name = lowerCase(e.getKey());
            if (special(name)) {
                return HttpConversionUtil.toHttp2Headers(res, true);
            }
            if (!connectionSpecific(name)) {
                out.add(name, e.getValue());
            }
        }
        return out;
    }

    /** The name in lower case, as Netty makes it (a constant for a common name). */
    private static AsciiString lowerCase(CharSequence name) {
        AsciiString common = COMMON[AsciiString.hashCode(name) & MASK];
        if (common != null && common.contentEqualsIgnoreCase(name)) {
            return common;
        }
        return name instanceof AsciiString a ? a.toLowerCase() : new AsciiString(name).toLowerCase();
    }

    /** A header whose conversion has rules of its own (Netty's: the names it nominates, TE, cookie crumbs). */
    private static boolean special(AsciiString name) {
        return name.contentEquals(HttpHeaderNames.CONNECTION) || name.contentEquals(HttpHeaderNames.TE)
                || name.contentEquals(HttpHeaderNames.COOKIE) || name.startsWith("x-http2-");
    }

    /** The headers HTTP/2 does not carry (RFC 9113 section 8.2.2), as Netty drops them. */
    @SuppressWarnings("deprecation")
    private static boolean connectionSpecific(AsciiString name) {
        return switch (name.length()) {
            case 4 -> name.contentEquals(HttpHeaderNames.HOST);
            case 7 -> name.contentEquals(HttpHeaderNames.UPGRADE);
            case 10 -> name.contentEquals(HttpHeaderNames.KEEP_ALIVE);
            case 16 -> name.contentEquals(HttpHeaderNames.PROXY_CONNECTION);
            case 17 -> name.contentEquals(HttpHeaderNames.TRANSFER_ENCODING);
            default -> false;
        };
    }
}
