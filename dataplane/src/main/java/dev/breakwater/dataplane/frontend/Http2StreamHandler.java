package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.backend.UpstreamConnection;
import dev.breakwater.dataplane.exchange.ClientConnection;
import dev.breakwater.dataplane.exchange.Downstream;
import dev.breakwater.dataplane.exchange.Exchange;
import dev.breakwater.dataplane.exchange.ProxyServices;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 stream of a client connection: its one request, as an {@link Exchange}, read from its HEADERS and DATA
 * frames and answered with frames ({@link Http2Frames}: no HTTP/1 codec on the stream). Its flushes are coalesced
 * with those of the connection's other streams ({@link Http2Flusher}). The stream's flow control is its writability;
 * the connection (GOAWAY, idle, resets) is the parent channel's.
 */
final class Http2StreamHandler extends ChannelInboundHandlerAdapter implements Downstream {

    private static final Logger LOG = LoggerFactory.getLogger(Http2StreamHandler.class);

    private final ProxyServices services;
    private final Http2Flusher flusher;
    private final Http2ClientOrigin origin;
    private ChannelHandlerContext ctx;
    private ClientConnection connection;
    private Exchange exchange;
    private boolean closed;

    Http2StreamHandler(ProxyServices services, Http2Flusher flusher, Http2ClientOrigin origin) {
        this.services = services;
        this.flusher = flusher;
        this.origin = origin;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        connection = origin.forStream();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2HeadersFrame headers) {
                onHeaders(headers);
            } else if (msg instanceof Http2DataFrame data) {
                onData(data);
            } else {
                ReferenceCountUtil.release(msg);
            }
        } catch (Http2Exception e) {
            LOG.debug("client stream {}: {}", ctx.channel(), e.toString());
            ctx.close();
        }
    }

    private void onHeaders(Http2HeadersFrame frame) throws Http2Exception {
        Exchange x = exchange;
        if (x == null) {
            if (!closed && Http2Frames.opensRequest(frame)) {
                x = new Exchange(services, connection, this);
                exchange = x;
                HttpRequest head = Http2Frames.request(frame);
                if (frame.isEndStream()) {
                    x.startWithoutBody(head);
                } else {
                    x.start(head);
                }
            }
        } else if (!x.requestDone() && frame.isEndStream() && !Http2Frames.opensRequest(frame)) {
            x.onRequestContent(Http2Frames.trailers(frame));
        }
    }

    private void onData(Http2DataFrame frame) {
        Exchange x = exchange;
        if (x != null && !x.requestDone()) {
            x.onRequestContent(Http2Frames.content(frame));
        } else {
            frame.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.flushUpstream();
        }
    }

    @Override
    public void exchangeEnded(Exchange ended) {
        if (!ended.keepAlive()) {
            closed = true;
        }
    }

    @Override
    public void readingChanged() {
        Channel ch = ctx.channel();
        boolean read = !closed && (exchange == null || exchange.mayRead());
        if (ch.config().isAutoRead() != read) {
            ch.config().setAutoRead(read);
        }
    }

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    public void write(Object msg) {
        if (msg instanceof HttpObject http) {
            Http2Frames.write(ctx, http, false);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void flush() {
        flusher.flushSoon();
    }

    @Override
    public void writeLast(Object msg, boolean close) {
        if (!(msg instanceof HttpObject http)) {
            // nothing to write (the end of a relayed response was written already): close now if asked
            ReferenceCountUtil.release(msg);
            if (close) {
                ctx.flush();
                ctx.close();
            } else {
                flush();
            }
            return;
        }
        ChannelFuture last = Http2Frames.write(ctx, http, close);
        if (close && last != null) {
            last.addListener(ChannelFutureListener.CLOSE);
        } else if (close) {
            ctx.close();
        }
        flush();
    }

    @Override
    public void close() {
        ctx.close();
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void upgrade(Exchange upgraded, UpstreamConnection upstream, HttpResponse switching, long idleMillis) {
        // HTTP/2 has no Upgrade (the head check never asks for one): nothing to tunnel
        ReferenceCountUtil.release(switching);
        upstream.discard();
        ctx.close();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientWritable(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        if (exchange != null) {
            exchange.connectionClosed();
        }
        ctx.fireChannelInactive(); // the connection's timer is stopped with the connection (its call released it)
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client stream {}: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
