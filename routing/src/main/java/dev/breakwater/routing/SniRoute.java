package dev.breakwater.routing;

import java.util.Locale;
import java.util.Objects;

/**
 * A TLS passthrough host: connections whose ClientHello names {@code hostname} (SNI) are spliced, still
 * encrypted, to {@code route}'s endpoints.
 *
 * @param hostname           an exact lower-case DNS name, or a {@code *.} wildcard covering exactly one leading label
 * @param route              where those connections go
 * @param multiLabelWildcard for a wildcard: true when it also covers several leading labels ({@code *.example.com}
 *                           taking {@code a.b.example.com}, as Gateway API hostnames do); null (false): exactly one
 *                           label, as Ingress hosts and a Route's listeners
 */
public record SniRoute(String hostname, L4Route route, Boolean multiLabelWildcard) {

    /** A host whose wildcard (if it is one) covers exactly one label. */
    public SniRoute(String hostname, L4Route route) {
        this(hostname, route, null);
    }

    public SniRoute {
        if (!Boolean.TRUE.equals(multiLabelWildcard)) {
            multiLabelWildcard = null; // one encoding for "no": a table keeps its bytes
        }
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(route, "route");
        if (!hostname.equals(hostname.toLowerCase(Locale.ROOT)) || hostname.isEmpty()
                || hostname.equals("*") || (hostname.contains("*") && !hostname.startsWith("*."))
                || hostname.indexOf('*', 1) >= 0) {
            throw new IllegalArgumentException("hostname: " + hostname
                    + " (expected: a lower-case DNS name or a *. wildcard)");
        }
    }

    /** True when this host serves the SNI name {@code serverName} (lower case) exactly. */
    public boolean matchesExactly(String serverName) {
        return hostname.equals(serverName);
    }

    /** True when this is a wildcard whose one label (or, multi-label, whose labels) {@code serverName} fills. */
    public boolean matchesWildcard(String serverName) {
        if (!hostname.startsWith("*.")) {
            return false;
        }
        String suffix = hostname.substring(1);
        return serverName.endsWith(suffix) && serverName.length() > suffix.length()
                && (Boolean.TRUE.equals(multiLabelWildcard)
                || serverName.lastIndexOf('.', serverName.length() - suffix.length() - 1) < 0);
    }
}
