package dev.breakwater.routing;

import java.util.List;

/**
 * Response compression for a route: gzip or brotli, as the client accepts, for compressible types when the
 * origin did not encode the body itself.
 *
 * @param minBytes     smallest body compressed when its length is known; null: the data plane's default
 * @param contentTypes media types compressed (without parameters; {@code text/*} style wildcards allowed);
 *                     null or empty: the data plane's default list
 */
public record Compression(Long minBytes, List<String> contentTypes) {

    public static final Compression DEFAULTS = new Compression(null, null);

    public Compression {
        if (minBytes != null && minBytes < 0) {
            throw new IllegalArgumentException("minBytes: " + minBytes + " (expected: >= 0)");
        }
        contentTypes = contentTypes == null ? null : List.copyOf(contentTypes);
    }
}
