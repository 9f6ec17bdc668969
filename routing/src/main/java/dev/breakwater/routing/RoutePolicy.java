package dev.breakwater.routing;

/**
 * Per-route settings. A null field means "the data plane's configured default".
 *
 * @param connectTimeoutMillis  longest wait for a TCP connection to an endpoint
 * @param responseTimeoutMillis longest wait for the response head after the request was sent, and
 *                              between two reads of the response body
 * @param maxRequestBodyBytes   largest request body accepted (413 beyond)
 */
public record RoutePolicy(Long connectTimeoutMillis, Long responseTimeoutMillis, Long maxRequestBodyBytes) {

    public static final RoutePolicy DEFAULTS = new RoutePolicy(null, null, null);

    public RoutePolicy {
        requirePositive("connectTimeoutMillis", connectTimeoutMillis);
        requirePositive("responseTimeoutMillis", responseTimeoutMillis);
        if (maxRequestBodyBytes != null && maxRequestBodyBytes < 0) {
            throw new IllegalArgumentException("maxRequestBodyBytes: " + maxRequestBodyBytes + " (expected: >= 0)");
        }
    }

    private static void requirePositive(String name, Long value) {
        if (value != null && value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}
