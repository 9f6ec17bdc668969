package dev.breakwater.routing;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The routes of one host name.
 *
 * @param hostname an exact lower-case DNS name ({@code foo.example.com}), a wildcard covering exactly one
 *                 leading DNS label ({@code *.example.com}), or {@code *} for requests no other host matches
 * @param routes     in precedence order: the first route whose match accepts a request serves it
 * @param clientAuth client certificates asked for in TLS handshakes for this host, or null for none
 * @param multiLabelWildcard for a wildcard host: true when it also covers several leading labels
 *                 ({@code *.example.com} serving {@code a.b.example.com}, as Gateway API hostnames do), where a more
 *                 specific wildcard or an exact host does not take the name; null (false): exactly one label, as
 *                 Ingress hosts. Ignored for other hosts
 * @param hash       SHA-256 (hex) of the host's encoding, computed once when the host is made (null: compute it);
 *                   not encoded: a reader computes it from what it decodes ({@link TableCodec#partHash})
 * @param listener   the one port that serves this host (a Gateway's own, {@link ListenerPort}); null: the shared HTTP
 *                   and HTTPS ports, as every Ingress and Route host. A table may hold one host name once per
 *                   listener
 */
public record VirtualHost(String hostname, List<Route> routes, ClientAuth clientAuth, Boolean multiLabelWildcard,
                          @JsonIgnore String hash, ListenerPort listener) {

    public static final String CATCH_ALL = "*";

    public VirtualHost {
        Objects.requireNonNull(hostname, "hostname");
        if (!hostname.equals(hostname.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("hostname: " + hostname + " (expected: lower case)");
        }
        routes = List.copyOf(routes);
        if (!Boolean.TRUE.equals(multiLabelWildcard)) {
            multiLabelWildcard = null; // one encoding for "no": a table keeps its bytes and hash
        }
        if (hash == null) {
            hash = TableCodec.partHash(new VirtualHost(hostname, routes, clientAuth, multiLabelWildcard, "",
                    listener));
        }
    }

    /** A host of the shared ports. */
    public VirtualHost(String hostname, List<Route> routes, ClientAuth clientAuth, Boolean multiLabelWildcard,
                       String hash) {
        this(hostname, routes, clientAuth, multiLabelWildcard, hash, null);
    }

    public VirtualHost(String hostname, List<Route> routes, ClientAuth clientAuth, String hash) {
        this(hostname, routes, clientAuth, null, hash);
    }

    public VirtualHost(String hostname, List<Route> routes, ClientAuth clientAuth) {
        this(hostname, routes, clientAuth, null, null);
    }

    public VirtualHost(String hostname, List<Route> routes) {
        this(hostname, routes, null, null, null);
    }

    /** What names the host in a table: its host name, prefixed by its listener's port when it has one. */
    @JsonIgnore
    public String key() {
        return listener == null ? hostname : listener + " " + hostname;
    }

    @JsonIgnore
    public boolean isCatchAll() {
        return hostname.equals(CATCH_ALL);
    }

    @JsonIgnore
    public boolean isWildcard() {
        return hostname.startsWith("*.");
    }

    /** A wildcard host that also covers several leading labels. */
    @JsonIgnore
    public boolean coversSeveralLabels() {
        return isWildcard() && Boolean.TRUE.equals(multiLabelWildcard);
    }
}
