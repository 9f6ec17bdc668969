package dev.breakwater.dataplane.lb;

import dev.breakwater.routing.ClusterPolicy;

/** Reads the hash key of a request. */
final class HashKeys {

    private HashKeys() {
    }

    static String value(ClusterPolicy.HashKey key, PickContext ctx) {
        return switch (key.source()) {
            case HEADER -> ctx.header(key.name());
            case COOKIE -> ctx.cookie(key.name());
            case SOURCE_IP -> ctx.sourceIp();
        };
    }
}
