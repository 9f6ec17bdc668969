package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.backend.UpstreamConnection;
import dev.breakwater.dataplane.exchange.ClientConnection;
import dev.breakwater.dataplane.exchange.Downstream;
import dev.breakwater.dataplane.exchange.Exchange;
import dev.breakwater.dataplane.exchange.ProxyServices;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 stream of a client connection, a plain object of its connection's {@link Http2Streams} (no channel):
 * its one request, as an {@link Exchange}, read from its HEADERS and DATA frames and answered through the
 * connection's encoder ({@link Http2Frames}). It may be written while its flow-control window has room and the
 * connection's channel is writable; a body it reads is given back to the client's windows only while its exchange
 * may read, so that a client cannot send more than a window ahead of a slow endpoint. Its flushes are the
 * connection's, coalesced ({@link Http2EdgeHandler#flushSoon()}).
 */
final class Http2ClientStream implements Downstream {

    private static final Logger LOG = LoggerFactory.getLogger(Http2ClientStream.class);

    private final Http2EdgeHandler edge;
    private final Http2Stream stream;
    private final ProxyServices services;
    private final ClientConnection connection;
    final int id;
    /** The request body's declared length, or -1; and what of it arrived (counted by the validator). */
    final long declaredLength;
    long received;
    /** Read in the connection's current read burst. */
    boolean inBurst;
    private Exchange exchange;
    /** Body bytes read but not yet given back to the flow-control windows (while the exchange may not read). */
    private int unconsumed;
    private boolean reading = true;
    /** True once the stream closed (either side) or was reset: nothing more is written. */
    private boolean closed;
    /** True once the exchange ended without keep-alive: no more is read. */
    private boolean done;

    Http2ClientStream(Http2EdgeHandler edge, Http2Stream stream, ProxyServices services, ClientConnection connection,
                      long declaredLength) {
        this.edge = edge;
        this.stream = stream;
        this.services = services;
        this.connection = connection;
        this.id = stream.id();
        this.declaredLength = declaredLength;
    }

    // ---------------------------------------------------------------- reading

    void onHead(Http2Headers headers, boolean endStream) throws Http2Exception {
        Exchange x = new Exchange(services, connection, this);
        exchange = x;
        HttpRequest head = Http2RequestHeads.request(id, headers, endStream);
        if (endStream) {
            x.startWithoutBody(head);
        } else {
            x.start(head);
        }
    }

    void onTrailers(Http2Headers headers) throws Http2Exception {
        Exchange x = exchange;
        if (x != null && !x.requestDone()) {
            x.onRequestContent(Http2Frames.trailers(id, headers));
        }
    }

    /** A DATA frame's body part; returns how many of its bytes are given back to the client's windows now. */
    int onData(ByteBuf data, boolean endStream) {
        Exchange x = exchange;
        int length = data.readableBytes();
        if (x == null || x.requestDone() || done) {
            return length;
        }
        x.onRequestContent(Http2Frames.content(data.retain(), endStream));
        if (endStream || reading && x.mayRead()) {
            return length;
        }
        unconsumed += length;
        return 0;
    }

    void readComplete() {
        inBurst = false;
        if (exchange != null) {
            exchange.flushUpstream();
        }
    }

    /** The stream closed: ended by both sides, reset by either, or its connection closed. */
    void closed() {
        closed = true;
        done = true;
        if (exchange != null) {
            exchange.connectionClosed();
        }
    }

    void writabilityChanged() {
        if (exchange != null && !closed) {
            exchange.clientWritable(isWritable());
        }
    }

    // ---------------------------------------------------------------- Downstream

    @Override
    public void exchangeEnded(Exchange ended) {
        if (!ended.keepAlive()) {
            done = true;
        }
    }

    @Override
    public void readingChanged() {
        reading = !done && (exchange == null || exchange.mayRead());
        if (reading && unconsumed > 0 && !closed) {
            int n = unconsumed;
            unconsumed = 0;
            try {
                edge.decoder().flowController().consumeBytes(stream, n);
            } catch (Http2Exception e) {
                LOG.debug("client stream {} of {}: {}", id, edge.context().channel(), e.toString());
                close();
            }
            edge.flushSoon(); // the WINDOW_UPDATE
        }
    }

    @Override
    public EventLoop eventLoop() {
        return edge.context().channel().eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return edge.context().alloc();
    }

    @Override
    public void write(Object msg) {
        if (closed || !(msg instanceof HttpObject http)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        Http2Frames.write(edge, id, http, false);
    }

    @Override
    public void flush() {
        edge.flushSoon();
    }

    @Override
    public void writeLast(Object msg, boolean close) {
        if (closed || !(msg instanceof HttpObject http)) {
            // nothing to write (the end of a relayed response was written already): end the stream now if asked
            ReferenceCountUtil.release(msg);
            if (close) {
                close();
            } else {
                flush();
            }
            return;
        }
        ChannelFuture last = Http2Frames.write(edge, id, http, close);
        if (close) {
            // once its last frame is out, a stream whose request is still arriving is reset (as a closed channel was)
            if (last == null) {
                close();
            } else {
                last.addListener(f -> close());
            }
        }
        flush();
    }

    @Override
    public void close() {
        done = true;
        if (!closed) {
            edge.reset(id, Http2Error.CANCEL);
            edge.flushSoon();
        }
    }

    @Override
    public boolean isWritable() {
        return !closed && edge.context().channel().isWritable() && edge.encoder().flowController().isWritable(stream);
    }

    @Override
    public void upgrade(Exchange upgraded, UpstreamConnection upstream, HttpResponse switching, long idleMillis) {
        // HTTP/2 has no Upgrade (the head check never asks for one): nothing to tunnel
        ReferenceCountUtil.release(switching);
        upstream.discard();
        close();
    }
}
