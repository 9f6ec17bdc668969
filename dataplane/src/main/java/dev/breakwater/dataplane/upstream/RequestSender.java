package dev.breakwater.dataplane.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;

/**
 * A request on its way to the endpoint of the call's attempt: the head and the body parts written to its connection
 * (flushed once per read burst of the client), the parts kept while no connection is attached, and whether the
 * endpoint takes what was written (the send timeout: parts written and not yet taken, since when).
 */
final class RequestSender {

    private final UpstreamCall call;
    private final HttpRequest request;
    private final ChannelFutureListener sendProgress = this::sendProgressed;
    private ArrayDeque<HttpContent> kept;
    private Channel channel;
    private boolean wrote;
    private boolean headSent;
    private boolean headUnflushed;
    private int unsent;
    private long sinceNanos;

    RequestSender(UpstreamCall call, HttpRequest request) {
        this.call = call;
        this.request = request;
    }

    /**
     * Writes the head and the parts kept so far on a connection: flushed now when {@code flushNow} (a connect
     * callback), else with the client's read burst.
     */
    void attach(Channel ch, boolean reused, boolean flushNow) {
        channel = ch;
        unsent = 0;
        headSent = false;
        // on a reused connection, whether the head left is what decides a retry of a non-idempotent request: known
        // at the flush, without a promise per request (see headFlushed)
        headUnflushed = reused;
        ch.write(request, ch.voidPromise());
        if (kept != null) {
            HttpContent part;
            while ((part = kept.poll()) != null) {
                write(part);
            }
        }
        if (flushNow) {
            ch.flush();
            headFlushed(ch);
        } else {
            wrote = true;
        }
    }

    /** The attempt's connection is gone: parts from now on are kept for the next one. */
    void detach() {
        channel = null;
        headUnflushed = false;
        unsent = 0;
    }

    boolean attached() {
        return channel != null;
    }

    /** A part of the body: written when a connection is attached, else kept. */
    void send(HttpContent part) {
        if (channel != null) {
            write(part);
            wrote = true;
        } else {
            keep(part);
        }
    }

    private void keep(HttpContent part) {
        if (kept == null) {
            kept = new ArrayDeque<>(4);
        }
        kept.add(part);
    }

    /** A bodyless request sent again: its (empty) end goes with the head, once. */
    void resendEnd() {
        if (kept == null || kept.isEmpty()) {
            keep(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    /**
     * Writes a part to the endpoint. A part with bytes is followed until the endpoint takes it (the send timeout); an
     * empty one (the end of a bodyless request) costs nothing.
     */
    private void write(HttpContent part) {
        Channel ch = channel;
        if (!part.content().isReadable()) {
            ch.write(part, ch.voidPromise());
            return;
        }
        if (unsent++ == 0) {
            sinceNanos = System.nanoTime();
            call.armTimer();
        }
        ch.write(part, ch.newPromise().addListener(sendProgress));
    }

    /** Flushes what was written since the last flush. */
    void flush() {
        if (wrote) {
            wrote = false;
            Channel ch = channel;
            if (ch != null) {
                ch.flush();
                headFlushed(ch);
            }
        }
    }

    /**
     * The head was flushed: a write that fails closes the channel then and there (Netty's auto-close), so a channel
     * still open means the head reached the socket, or part of it is still queued there, which counts as sent too
     * (the safe side: a non-idempotent request is then not sent again).
     */
    private void headFlushed(Channel ch) {
        if (headUnflushed) {
            headUnflushed = false;
            headSent = ch.isActive();
        }
    }

    /** A part of the body left for the endpoint (or could not be written): it took something. */
    private void sendProgressed(ChannelFuture f) {
        if (f.channel() != channel || unsent == 0) {
            return; // an earlier attempt's connection
        }
        unsent--;
        long now = System.nanoTime();
        sinceNanos = now;
        call.activity(now);
    }

    /** True when the head reached the socket of the (reused) connection. */
    boolean headSent() {
        return headSent;
    }

    /** Parts with bytes written and not yet taken by the endpoint. */
    int unsent() {
        return unsent;
    }

    /** Since when the oldest part not yet taken waits (or when the last one was taken). */
    long sinceNanos() {
        return sinceNanos;
    }

    /** Releases the parts kept. */
    void release() {
        unsent = 0;
        if (kept != null) {
            HttpContent c;
            while ((c = kept.poll()) != null) {
                c.release();
            }
        }
    }
}
