package dev.breakwater.routing;

import java.util.List;
import java.util.Locale;

/**
 * Picks the TLS passthrough host for an SNI name: an exact name first, then the longest wildcard that covers it, then
 * a default.
 */
public final class SniRoutes {

    private SniRoutes() {
    }

    /**
     * The route of {@code serverName} among {@code hosts}, or {@code fallback}.
     *
     * @param serverName the ClientHello's name, any case; null when it sent none
     */
    public static L4Route pick(List<SniRoute> hosts, String serverName, L4Route fallback) {
        SniRoute found = find(hosts, serverName);
        return found == null ? fallback : found.route();
    }

    /** The host serving {@code serverName} exactly or by wildcard, or null. */
    public static SniRoute find(List<SniRoute> hosts, String serverName) {
        if (serverName == null || hosts.isEmpty()) {
            return null;
        }
        String name = serverName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        for (SniRoute s : hosts) {
            if (s.matchesExactly(name)) {
                return s;
            }
        }
        SniRoute best = null;
        for (SniRoute s : hosts) {
            if (s.matchesWildcard(name) && (best == null || s.hostname().length() > best.hostname().length())) {
                best = s;
            }
        }
        return best;
    }
}
