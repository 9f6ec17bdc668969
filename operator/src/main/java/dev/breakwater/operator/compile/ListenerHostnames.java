package dev.breakwater.operator.compile;

import dev.breakwater.routing.VirtualHost;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The hostnames a route serves on a listener, as the Gateway API spec intersects them: a route without hostnames
 * takes the listener's (every host, {@code *}, when the listener has none); a listener without a hostname takes the
 * route's; otherwise each route hostname equal to the listener's, or matched by the listener's wildcard, is kept,
 * and a route wildcard that matches the listener's hostname gives the listener's. A wildcard ({@code *.example.com})
 * matches names with one or more labels in place of {@code *}.
 */
final class ListenerHostnames {

    private ListenerHostnames() {
    }

    /**
     * The intersection; empty when none of the route's hostnames goes with the listener's.
     *
     * @param listener the listener's hostname, lower case, or null
     * @param route    the route's hostnames, lower case (empty for none)
     */
    static List<String> intersect(String listener, List<String> route) {
        if (route.isEmpty()) {
            return List.of(listener == null ? VirtualHost.CATCH_ALL : listener);
        }
        if (listener == null) {
            return List.copyOf(new LinkedHashSet<>(route));
        }
        Set<String> out = new LinkedHashSet<>();
        for (String h : route) {
            if (h.equals(listener) || covers(listener, h)) {
                out.add(h);
            } else if (covers(h, listener)) {
                out.add(listener);
            }
        }
        return new ArrayList<>(out);
    }

    /** True when wildcard {@code pattern} ({@code *.example.com}) matches {@code host} (not itself a wider wildcard). */
    static boolean covers(String pattern, String host) {
        if (!pattern.startsWith("*.")) {
            return false;
        }
        String suffix = pattern.substring(1); // .example.com
        String name = host.startsWith("*.") ? host.substring(2) : host;
        return name.endsWith(suffix) && name.length() > suffix.length();
    }
}
