package dev.breakwater.dataplane.l4;

import io.netty.channel.EventLoop;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What L4 proxying keeps per event loop, touched only on that loop: round-robin positions and open connections per
 * endpoint (for least connections), and the open TCP connections (to drain them when their endpoint goes).
 */
final class L4LoopState {

    private final EventLoop loop;
    private final Map<String, Long> cursors = new HashMap<>();
    private final Map<String, Integer> active = new HashMap<>();
    private final Set<TcpFrontend> open = new LinkedHashSet<>();

    L4LoopState(EventLoop loop) {
        this.loop = loop;
    }

    EventLoop loop() {
        return loop;
    }

    /** The next round-robin position of {@code cluster}. */
    long nextCursor(String cluster) {
        assert loop.inEventLoop();
        long n = cursors.getOrDefault(cluster, 0L);
        cursors.put(cluster, n + 1);
        return n;
    }

    int active(String cluster, String authority) {
        return active.getOrDefault(cluster + '|' + authority, 0);
    }

    void opened(TcpFrontend connection, String cluster, String authority) {
        assert loop.inEventLoop();
        active.merge(cluster + '|' + authority, 1, Integer::sum);
        open.add(connection);
    }

    void closed(TcpFrontend connection, String cluster, String authority) {
        assert loop.inEventLoop();
        if (open.remove(connection)) {
            active.computeIfPresent(cluster + '|' + authority, (k, v) -> v <= 1 ? null : v - 1);
        }
    }

    /** Every connection whose endpoint or listener {@code table} no longer has drains; the others stop draining. */
    void drainOthers(L4Table table) {
        assert loop.inEventLoop();
        for (TcpFrontend c : Set.copyOf(open)) {
            c.reviewAgainst(table);
        }
    }

    /** Closes every open connection (the data plane stops). */
    void closeAll() {
        for (TcpFrontend c : Set.copyOf(open)) {
            c.closeNow();
        }
    }

    int openConnections() {
        return open.size();
    }
}
