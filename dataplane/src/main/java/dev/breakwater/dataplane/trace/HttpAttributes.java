package dev.breakwater.dataplane.trace;

import io.opentelemetry.api.common.AttributeKey;
import java.util.Set;

/**
 * The attributes of a server span, as OpenTelemetry's HTTP semantic conventions name them, and the route's
 * ({@code breakwater.route}, {@code breakwater.route.source}).
 */
final class HttpAttributes {

    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> METHOD_ORIGINAL = AttributeKey.stringKey("http.request.method_original");
    static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> PROTOCOL_VERSION = AttributeKey.stringKey("network.protocol.version");
    static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    static final AttributeKey<String> PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
    static final AttributeKey<String> USER_AGENT = AttributeKey.stringKey("user_agent.original");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("breakwater.route");
    static final AttributeKey<String> ROUTE_SOURCE = AttributeKey.stringKey("breakwater.route.source");
    static final AttributeKey<String> UPSTREAM_ADDRESS = AttributeKey.stringKey("breakwater.upstream.address");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("breakwater.upstream.attempts");

    /** The methods the conventions name as they are; any other is {@code _OTHER}. */
    private static final Set<String> KNOWN = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
            "TRACE", "PATCH");

    private HttpAttributes() {
    }

    static boolean known(String method) {
        return KNOWN.contains(method);
    }

    /** The span's name: the method, {@code HTTP} for one the conventions do not know. */
    static String spanName(String method) {
        return known(method) ? method : "HTTP";
    }

    /** {@code network.protocol.version} of {@code HTTP/1.0}, {@code HTTP/1.1} or HTTP/2 ({@code http2}). */
    static String protocolVersion(String protocol, boolean http2) {
        if (http2) {
            return "2";
        }
        return protocol.startsWith("HTTP/") ? protocol.substring(5) : protocol;
    }
}
