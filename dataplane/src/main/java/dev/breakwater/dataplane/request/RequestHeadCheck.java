package dev.breakwater.dataplane.request;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;

/**
 * The one place a request head from a client becomes the head that is routed, checked and forwarded, for HTTP/1.1
 * and HTTP/2 alike (an HTTP/2 stream's head arrives here converted). In order:
 * <ol>
 *   <li>a method of upper-case letters, {@code -} and {@code _} (as nginx requires): {@code GeT} or {@code DeLeTe}
 *       would pass a method rule that a case-insensitive endpoint then reads otherwise (400);</li>
 *   <li>at most {@link RequestPolicy#maxHeaders()} header fields (431);</li>
 *   <li>at most one Host header, and a valid one (400), required for HTTP/1.1 (400);</li>
 *   <li>the target parsed and its path normalised ({@link RequestTarget}); an absolute-form target's authority
 *       replaces the Host header (RFC 9112 section 3.2.2);</li>
 *   <li>CONNECT refused (405): this is not a forward proxy;</li>
 *   <li>headers no client may send removed: {@code Proxy} (httpoxy, CVE-2016-5385) and Netty's HTTP/2 conversion
 *       headers ({@code x-http2-*}), which would otherwise steer the upstream HTTP/2 encoder;</li>
 *   <li>hop-by-hop headers removed ({@link HopByHop}), after reading what they say (keep-alive, WebSocket
 *       upgrade), and before anything of the proxy's own is added, so that no Connection token can remove it.</li>
 * </ol>
 * The request's URI is set to the normalised target. Stateless and thread-safe.
 */
public final class RequestHeadCheck {

    private static final AsciiString PROXY = AsciiString.cached("proxy");
    /** The prefix of the HTTP/2 stream codec's extension headers, which a client may not send. */
    private static final AsciiString X_HTTP2 = AsciiString.cached("x-http2-");
    private static final HttpConversionUtil.ExtensionHeaderNames[] EXTENSIONS =
            HttpConversionUtil.ExtensionHeaderNames.values();

    private final RequestPolicy policy;

    public RequestHeadCheck(RequestPolicy policy) {
        this.policy = policy;
    }

    public RequestPolicy policy() {
        return policy;
    }

    /** A method of 1-32 upper-case letters, {@code -} and {@code _}. */
    public static boolean validMethod(CharSequence method) {
        if (method.isEmpty() || method.length() > 32) {
            return false;
        }
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if ((c < 'A' || c > 'Z') && c != '-' && c != '_') {
                return false;
            }
        }
        return true;
    }

    /** What the head says, once checked. */
    public record Checked(String host, RequestTarget target, boolean keepAlive, boolean webSocketUpgrade) {
    }

    /**
     * Checks {@code request} and rewrites it in place into the head to forward.
     *
     * @param http2 the head came from an HTTP/2 stream (no keep-alive or upgrade of its own)
     * @throws RequestRefused with the status and reason to answer
     */
    public Checked check(HttpRequest request, boolean http2) throws RequestRefused {
        HttpHeaders headers = request.headers();
        boolean proxyHeader = false;
        boolean extensionHeader = false;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            proxyHeader |= AsciiString.contentEqualsIgnoreCase(name, PROXY);
            extensionHeader |= name.length() > X_HTTP2.length()
                    && AsciiString.regionMatches(name, true, 0, X_HTTP2, 0, X_HTTP2.length());
        }
        if (extensionHeader) {
            for (HttpConversionUtil.ExtensionHeaderNames n : EXTENSIONS) {
                headers.remove(n.text());
            }
        }
        if (headers.size() > policy.maxHeaders()) {
            throw new RequestRefused(431, "more than " + policy.maxHeaders() + " request header fields");
        }
        if (!validMethod(request.method().name())) {
            throw new RequestRefused(400, "the method must be upper-case letters, '-' or '_'");
        }
        if (request.method().equals(HttpMethod.CONNECT)) {
            throw new RequestRefused(405, "CONNECT is not served here");
        }
        String host = null;
        Iterator<String> hosts = headers.valueStringIterator(HttpHeaderNames.HOST);
        if (hosts.hasNext()) {
            host = hosts.next();
            if (hosts.hasNext()) {
                throw new RequestRefused(400, "more than one Host header");
            }
        }
        RequestTarget target = RequestTarget.parse(request.uri(), policy.paths());
        if (target.authority() != null) {
            host = target.authority();
            headers.set(HttpHeaderNames.HOST, host);
        } else if (host != null && !Authority.valid(host)) {
            throw new RequestRefused(400, "the Host header is not a valid host name or address");
        } else if (host == null && !http2 && request.protocolVersion().minorVersion() != 0) {
            throw new RequestRefused(400, "missing Host header");
        }
        String uri = target.uri();
        if (!uri.equals(request.uri())) {
            request.setUri(uri);
        }
        boolean keepAlive = http2 || HttpUtil.isKeepAlive(request);
        boolean upgrade = !http2 && headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
        if (proxyHeader) {
            headers.remove(PROXY);
        }
        HopByHop.stripRequest(headers);
        return new Checked(host, target, keepAlive, upgrade);
    }
}
