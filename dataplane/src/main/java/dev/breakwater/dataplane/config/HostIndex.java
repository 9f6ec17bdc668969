package dev.breakwater.dataplane.config;

import dev.breakwater.dataplane.persistent.ShardedMap;
import dev.breakwater.routing.ListenerPort;
import dev.breakwater.routing.VirtualHost;

/**
 * The hosts of one set of ports, for lookup ({@link Router}): exact names, {@code *.} wildcards (those that also cover
 * several leading labels besides, by their suffix) and the catch-all. Immutable; a swap edits it into a new one that
 * shares what the change did not touch.
 */
final class HostIndex {

    static final CompiledRoute[] NONE = new CompiledRoute[0];
    static final HostIndex EMPTY = new HostIndex(null, ShardedMap.empty(), ShardedMap.empty(), ShardedMap.empty(),
            NONE, 0);

    /** The listener port of these hosts (a Gateway's own), or null for the shared ports. */
    private final ListenerPort listener;
    private final ShardedMap<String, CompiledRoute[]> exactHosts;
    private final ShardedMap<String, CompiledRoute[]> wildcardHosts;
    /** The wildcards of {@link #wildcardHosts} that also cover several leading labels, by their suffix. */
    private final ShardedMap<String, CompiledRoute[]> multiLabelWildcards;
    private final CompiledRoute[] catchAll;
    private final int size;

    private HostIndex(ListenerPort listener, ShardedMap<String, CompiledRoute[]> exactHosts,
                      ShardedMap<String, CompiledRoute[]> wildcardHosts,
                      ShardedMap<String, CompiledRoute[]> multiLabelWildcards, CompiledRoute[] catchAll, int size) {
        this.listener = listener;
        this.exactHosts = exactHosts;
        this.wildcardHosts = wildcardHosts;
        this.multiLabelWildcards = multiLabelWildcards;
        this.catchAll = catchAll;
        this.size = size;
    }

    ListenerPort listener() {
        return listener;
    }

    int size() {
        return size;
    }

    CompiledRoute[] routesFor(String host) {
        if (host != null) {
            CompiledRoute[] routes = exactHosts.get(host);
            if (routes != null) {
                return routes;
            }
            int dot = host.indexOf('.');
            if (dot > 0 && !wildcardHosts.isEmpty()) {
                routes = wildcardHosts.get(host.substring(dot + 1));
                if (routes != null) {
                    return routes;
                }
                if (!multiLabelWildcards.isEmpty()) {
                    for (int d = host.indexOf('.', dot + 1); d > 0; d = host.indexOf('.', d + 1)) {
                        routes = multiLabelWildcards.get(host.substring(d + 1));
                        if (routes != null) {
                            return routes;
                        }
                    }
                }
            }
        }
        return catchAll;
    }

    Editor edit() {
        return new Editor(this);
    }

    /** The changes of one swap; one thread, used once. */
    static final class Editor {
        private ListenerPort listener;
        private final ShardedMap.Editor<String, CompiledRoute[]> exact;
        private final ShardedMap.Editor<String, CompiledRoute[]> wildcard;
        private final ShardedMap.Editor<String, CompiledRoute[]> multiLabel;
        private CompiledRoute[] catchAll;
        private int size;

        private Editor(HostIndex base) {
            this.listener = base.listener;
            this.exact = base.exactHosts.edit();
            this.wildcard = base.wildcardHosts.edit();
            this.multiLabel = base.multiLabelWildcards.edit();
            this.catchAll = base.catchAll;
            this.size = base.size;
        }

        /**
         * Adds a host (replacing one of the same name).
         *
         * @throws IllegalArgumentException if its listener port is the port of these hosts with TLS the other way
         */
        void put(VirtualHost vh, CompiledRoute[] routes) {
            ListenerPort l = vh.listener();
            if (l != null) {
                if (size > 0 && listener != null && listener.tls() != l.tls()) {
                    throw new IllegalArgumentException("listener port " + l.port() + " is both " + listener + " and "
                            + l + " (expected: one)");
                }
                if (size == 0 || listener == null) {
                    listener = l;
                }
            }
            size++;
            if (vh.isCatchAll()) {
                catchAll = routes;
            } else if (vh.isWildcard()) {
                String suffix = vh.hostname().substring(2);
                wildcard.put(suffix, routes);
                if (vh.coversSeveralLabels()) {
                    multiLabel.put(suffix, routes);
                } else {
                    multiLabel.remove(suffix);
                }
            } else {
                exact.put(vh.hostname(), routes);
            }
        }

        /** Removes a host put before with {@code routes}, unless another of the same name took its place since. */
        void remove(VirtualHost vh, CompiledRoute[] routes) {
            size--;
            if (vh.isCatchAll()) {
                if (catchAll == routes) {
                    catchAll = NONE;
                }
            } else if (vh.isWildcard()) {
                String suffix = vh.hostname().substring(2);
                if (wildcard.get(suffix) == routes) {
                    wildcard.remove(suffix);
                }
                if (multiLabel.get(suffix) == routes) {
                    multiLabel.remove(suffix);
                }
            } else if (exact.get(vh.hostname()) == routes) {
                exact.remove(vh.hostname());
            }
        }

        int size() {
            return size;
        }

        HostIndex done() {
            return new HostIndex(listener, exact.done(), wildcard.done(), multiLabel.done(), catchAll, size);
        }
    }
}
