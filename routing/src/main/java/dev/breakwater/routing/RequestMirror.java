package dev.breakwater.routing;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * Request mirroring (ingress-nginx's {@code mirror-target}, Envoy's request mirror policy, Gateway API's
 * {@code RequestMirror} filter): each request the route forwards is also sent, as a copy, to an endpoint of
 * {@code cluster}. The copy is fire-and-forget: its answer is read and dropped, and neither it nor a failure, a
 * timeout or a slow mirror ever delays or changes the client's response, which comes from the route's own backend.
 *
 * @param cluster      the cluster the copies go to (in the table like any backend's, so its endpoints are live)
 * @param host         the {@code Host} header of the copies, or null for the client's
 * @param requestBody  false: copies go without the body (no {@code Content-Length}, no {@code Transfer-Encoding})
 * @param maxInFlight  most copies of this route on their way at once, per event loop of a data plane; a copy beyond
 *                     is not sent (and counted)
 * @param maxBodyBytes largest body copied: a request with a longer body is not mirrored at all (a declared
 *                     {@code Content-Length} above it), or its copy is cut off when the body grows beyond it (a body
 *                     of unknown length); both counted
 * @param percent      the share of the route's requests copied, 0 to 100 (Gateway API's {@code percent} or
 *                     {@code fraction}; each request is drawn at random); null: every request
 */
public record RequestMirror(String cluster, String host, boolean requestBody, int maxInFlight, long maxBodyBytes,
                            @JsonInclude(JsonInclude.Include.NON_NULL) Double percent) {

    /** Copies on their way at once per route and event loop when no other cap is set. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 128;
    /** The largest body copied when no other limit is set: 1 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1L << 20;

    public RequestMirror {
        Objects.requireNonNull(cluster, "cluster");
        if (host != null && (host.isEmpty() || host.indexOf('\r') >= 0 || host.indexOf('\n') >= 0
                || host.indexOf(' ') >= 0)) {
            throw new IllegalArgumentException("host: \"" + host + "\" (expected: a host name, or null)");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: >= 1)");
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: >= 0)");
        }
        if (percent != null && !(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("percent: " + percent + " (expected: 0 to 100, or null)");
        }
    }

    /** Copies of every request. */
    public RequestMirror(String cluster, String host, boolean requestBody, int maxInFlight, long maxBodyBytes) {
        this(cluster, host, requestBody, maxInFlight, maxBodyBytes, null);
    }

    /** Copies of every request, with their bodies, to {@code cluster}, under the default caps. */
    public static RequestMirror to(String cluster) {
        return new RequestMirror(cluster, null, true, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_BODY_BYTES);
    }

    /** The same with another {@code Host} for the copies (null: the client's). */
    public RequestMirror withHost(String newHost) {
        return new RequestMirror(cluster, newHost, requestBody, maxInFlight, maxBodyBytes, percent);
    }

    /** The same, the copies with or without the body. */
    public RequestMirror withRequestBody(boolean body) {
        return new RequestMirror(cluster, host, body, maxInFlight, maxBodyBytes, percent);
    }

    /** The same, copying {@code share} percent of the requests (null or 100 and more: every one). */
    public RequestMirror withPercent(Double share) {
        return new RequestMirror(cluster, host, requestBody, maxInFlight, maxBodyBytes,
                share == null || share >= 100 ? null : share);
    }
}
