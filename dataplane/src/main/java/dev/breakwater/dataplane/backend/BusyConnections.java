package dev.breakwater.dataplane.backend;

import java.util.Arrays;
import java.util.List;

/**
 * The connections of one pool that carry a request (or a tunnel) now. A connection becomes busy and idle again with
 * every request, so this is a plain array in which each connection knows its own slot: adding, removing and asking
 * cost no hashing and no probing (an identity hash set of hundreds of connections did, twice per request). Confined
 * to the pool's event loop.
 */
final class BusyConnections {

    private UpstreamConnection[] items = new UpstreamConnection[16];
    private int size;

    void add(UpstreamConnection c) {
        if (c.busySlot >= 0) {
            return;
        }
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        c.busySlot = size;
        items[size++] = c;
    }

    void remove(UpstreamConnection c) {
        int slot = c.busySlot;
        if (slot < 0) {
            return;
        }
        c.busySlot = -1;
        UpstreamConnection last = items[--size];
        items[size] = null;
        if (last != c) {
            items[slot] = last;
            last.busySlot = slot;
        }
    }

    /** True while {@code c} (a connection of this pool) is busy. */
    boolean contains(UpstreamConnection c) {
        return c.busySlot >= 0;
    }

    int size() {
        return size;
    }

    /** The busy connections now, to go through while some of them change. */
    List<UpstreamConnection> snapshot() {
        return List.of(Arrays.copyOf(items, size));
    }
}
