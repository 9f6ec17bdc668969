package dev.breakwater.dataplane.request;

import java.util.Objects;

/**
 * What the edge accepts in a request head, beyond the HTTP codecs' own size limits.
 *
 * @param maxHeaders the most header fields a request may carry (431 beyond); HAProxy's default, 100
 * @param paths      how paths are normalised
 */
public record RequestPolicy(int maxHeaders, PathPolicy paths) {

    public static final int DEFAULT_MAX_HEADERS = 100;
    public static final RequestPolicy DEFAULT = new RequestPolicy(DEFAULT_MAX_HEADERS, PathPolicy.DEFAULT);

    public RequestPolicy {
        if (maxHeaders < 1) {
            throw new IllegalArgumentException("maxHeaders: " + maxHeaders + " (expected: >= 1)");
        }
        Objects.requireNonNull(paths, "paths");
    }

    public RequestPolicy withMaxHeaders(int value) {
        return new RequestPolicy(value, paths);
    }

    public RequestPolicy withPaths(PathPolicy value) {
        return new RequestPolicy(maxHeaders, value);
    }
}
