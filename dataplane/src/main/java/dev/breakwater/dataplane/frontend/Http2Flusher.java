package dev.breakwater.dataplane.frontend;

import io.netty.channel.Channel;

/**
 * Coalesces the flushes of the streams of one HTTP/2 client connection: a stream that wrote asks for a flush, and the
 * connection is flushed once when the current event-loop task is over, so that responses relayed from one read of
 * the endpoints (many streams' responses arrive in one batch of the event loop) leave in one write to the socket, not
 * one per stream. A stream's frames are in the connection's pipeline as soon as it writes them, so one flush of the
 * connection sends what all of them wrote (a stream's own flush would do just that, once per stream). While the
 * client connection itself is being read, Netty aggregates stream flushes already. Confined to the connection's
 * event loop.
 */
final class Http2Flusher {

    private final Channel connection;
    private final Runnable flush = this::flushNow;
    private boolean scheduled;

    Http2Flusher(Channel connection) {
        this.connection = connection;
    }

    /** A stream wrote: the connection is flushed once the current task is over. */
    void flushSoon() {
        assert connection.eventLoop().inEventLoop();
        if (!scheduled) {
            scheduled = true;
            connection.eventLoop().execute(flush);
        }
    }

    private void flushNow() {
        scheduled = false;
        connection.flush();
    }
}
