package dev.breakwater.dataplane.frontend;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;

/**
 * Coalesces the flushes of the streams of one HTTP/2 client connection: a stream that wrote asks for a flush, and
 * the streams that asked in the same event-loop task are flushed together once it is over, so that responses
 * relayed from one read of an endpoint (an HTTP/2 endpoint carries many streams) leave in one write to the socket,
 * not one per stream. (While the client connection itself is being read, Netty aggregates stream flushes already.)
 * Confined to the connection's event loop.
 */
final class Http2Flusher {

    private final EventLoop loop;
    private final List<Http2StreamHandler> dirty = new ArrayList<>(4);
    private final Runnable flushAll = this::flushAll;
    private boolean scheduled;

    Http2Flusher(EventLoop loop) {
        this.loop = loop;
    }

    /** {@code stream} wrote: it is flushed once the current task is over (it asks once until then). */
    void flushSoon(Http2StreamHandler stream) {
        assert loop.inEventLoop();
        dirty.add(stream);
        if (!scheduled) {
            scheduled = true;
            loop.execute(flushAll);
        }
    }

    private void flushAll() {
        scheduled = false;
        // the first flush writes what every stream wrote to the connection; the others find nothing left to write
        for (int i = 0; i < dirty.size(); i++) {
            dirty.get(i).flushNow();
        }
        dirty.clear();
    }
}
