package dev.breakwater.dataplane.exchange;

import dev.breakwater.dataplane.backend.UpstreamConnection;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponse;

/**
 * The client side of an exchange, as the connection handler of its protocol gives it: where the response goes, and
 * whom to tell when the exchange needs the connection (to be read or not, to end, to become a tunnel).
 */
public interface Downstream {

    EventLoop eventLoop();

    ByteBufAllocator alloc();

    /** Writes a part of the response; flushed by {@link #flush()} or the next {@link #writeLast}. */
    void write(Object msg);

    void flush();

    /** Writes the last part of the response and flushes; the connection then closes when {@code close}. */
    void writeLast(Object msg, boolean close);

    /**
     * True when {@link #writeLast} takes an {@link EncodedResponse} (HTTP/1.1 connections); an HTTP/2 stream takes
     * response objects only.
     */
    default boolean takesEncodedResponses() {
        return false;
    }

    /** Closes the connection at once (a response cut short). */
    void close();

    boolean isWritable();

    /** Whether the exchange may be read changed: the connection reads on, or stops. */
    void readingChanged();

    /** The exchange is complete both ways. */
    void exchangeEnded(Exchange exchange);

    /**
     * The endpoint accepted the exchange's WebSocket upgrade: the connection relays bytes both ways from now on.
     *
     * @param switching  the endpoint's 101, to relay
     * @param idleMillis the tunnel's idle timeout
     */
    void upgrade(Exchange exchange, UpstreamConnection upstream, HttpResponse switching, long idleMillis);
}
