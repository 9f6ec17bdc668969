package dev.breakwater.dataplane.frontend;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;

/**
 * The frames of an HTTP/2 client stream and the exchange's view of a request and response, converted once each way
 * where the stream is read and written: a HEADERS frame becomes the request head the edge checks and routes (a whole
 * request when it ends the stream), DATA frames become body parts and trailers the last one; the response's head,
 * body parts and trailers become HEADERS and DATA frames. Buffers pass from one form to the other without copies.
 */
final class Http2Frames {

    private Http2Frames() {
    }

    /**
     * The head of the request a client stream's first HEADERS frame opens. When the frame does not end the stream, a
     * body follows: of unknown length unless the head says, it is marked chunked (as the HTTP/1.1 view of a stream
     * body). A frame that ends the stream is a whole request without body (no buffer is made for it).
     */
    static HttpRequest request(Http2HeadersFrame frame) throws Http2Exception {
        int id = frame.stream() == null ? 0 : frame.stream().id();
        HttpRequest req = HttpConversionUtil.toHttpRequest(id, frame.headers(), true);
        if (!frame.isEndStream() && !HttpUtil.isContentLengthSet(req)) {
            req.headers().add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return req;
    }

    /** True for a HEADERS frame that carries a request (not trailers). */
    static boolean opensRequest(Http2HeadersFrame frame) {
        return frame.headers().method() != null || frame.headers().status() != null;
    }

    /** The trailers that end a request body. */
    static LastHttpContent trailers(Http2HeadersFrame frame) throws Http2Exception {
        int id = frame.stream() == null ? 0 : frame.stream().id();
        LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, true);
        HttpConversionUtil.addHttp2ToHttpHeaders(id, frame.headers(), last.trailingHeaders(), HttpVersion.HTTP_1_1,
                true, true);
        return last;
    }

    /** A part of a request body (its buffer is the frame's). */
    static HttpContent content(Http2DataFrame frame) {
        return frame.isEndStream() ? new DefaultLastHttpContent(frame.content(), true)
                : new DefaultHttpContent(frame.content());
    }

    /**
     * Writes a part of a response as frames, taking ownership of it; returns the future of the last frame written
     * when {@code track}, else null.
     */
    static ChannelFuture write(ChannelHandlerContext ctx, HttpObject msg, boolean track) {
        ChannelFuture last = null;
        if (msg instanceof HttpResponse res) {
            // an informational response (but 101) is a HEADERS frame that does not end the stream
            boolean interim = res.status().codeClass() == HttpStatusClass.INFORMATIONAL && res.status().code() != 101;
            boolean endStream = !interim && res instanceof FullHttpResponse full && !full.content().isReadable()
                    && full.trailingHeaders().isEmpty();
            Http2Headers headers = Http2ResponseHeads.of(res);
            last = send(ctx, new DefaultHttp2HeadersFrame(headers, endStream), track);
            if (interim) {
                if (res instanceof FullHttpResponse full) {
                    full.release();
                }
                return last;
            }
        }
        if (msg instanceof LastHttpContent end) {
            boolean noTrailers = end.trailingHeaders().isEmpty();
            boolean filler = !(end instanceof FullHttpResponse) && noTrailers;
            if (end.content().isReadable() || filler) {
                last = send(ctx, new DefaultHttp2DataFrame(end.content(), noTrailers), track);
            } else {
                end.content().release();
            }
            if (!noTrailers) {
                Http2Headers trailers = HttpConversionUtil.toHttp2Headers(end.trailingHeaders(), true);
                last = send(ctx, new DefaultHttp2HeadersFrame(trailers, true), track);
            }
        } else if (msg instanceof HttpContent part) {
            last = send(ctx, new DefaultHttp2DataFrame(part.content(), false), track);
        }
        return last;
    }

    private static ChannelFuture send(ChannelHandlerContext ctx, Object frame, boolean track) {
        if (track) {
            return ctx.write(frame);
        }
        ctx.write(frame, ctx.voidPromise());
        return null;
    }
}
