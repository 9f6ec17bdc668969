package dev.breakwater.dataplane.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;

/**
 * The frames of an HTTP/2 client stream and the exchange's view of a request body and a response: DATA frames
 * become body parts and trailers the last one; the response's head, body parts and trailers are written as HEADERS
 * and DATA frames through the connection's encoder. Buffers pass from one form to the other without copies. (The
 * request head is {@link Http2RequestHeads}'s, the response head {@link Http2ResponseHeads}'s.)
 */
final class Http2Frames {

    private Http2Frames() {
    }

    /** The trailers that end a request body. */
    static LastHttpContent trailers(int streamId, Http2Headers headers) throws Http2Exception {
        LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, true);
        HttpConversionUtil.addHttp2ToHttpHeaders(streamId, headers, last.trailingHeaders(), HttpVersion.HTTP_1_1,
                true, true);
        return last;
    }

    /** A part of a request body, owning {@code data}. */
    static HttpContent content(ByteBuf data, boolean endStream) {
        return endStream ? new DefaultLastHttpContent(data, true) : new DefaultHttpContent(data);
    }

    /**
     * Writes a part of a response as frames of stream {@code id}, taking ownership of it; returns the future of the
     * last frame written when {@code track}, else null.
     */
    static ChannelFuture write(Http2EdgeHandler edge, int id, HttpObject msg, boolean track) {
        ChannelFuture last = null;
        if (msg instanceof HttpResponse res) {
            // an informational response (but 101) is a HEADERS frame that does not end the stream
            boolean interim = res.status().codeClass() == HttpStatusClass.INFORMATIONAL && res.status().code() != 101;
            boolean endStream = !interim && res instanceof FullHttpResponse full && !full.content().isReadable()
                    && full.trailingHeaders().isEmpty();
            Http2Headers headers = Http2ResponseHeads.of(res);
            last = edge.writeHeaders(id, headers, endStream, track ? edge.context().newPromise() : null);
            if (interim || endStream) {
                if (res instanceof FullHttpResponse full) {
                    full.release();
                }
                return track ? last : null;
            }
        }
        if (msg instanceof LastHttpContent end) {
            boolean noTrailers = end.trailingHeaders().isEmpty();
            boolean filler = !(end instanceof FullHttpResponse) && noTrailers;
            if (end.content().isReadable() || filler) {
                last = edge.writeData(id, end.content(), noTrailers, track ? edge.context().newPromise() : null);
            } else {
                end.content().release();
            }
            if (!noTrailers) {
                Http2Headers trailers = HttpConversionUtil.toHttp2Headers(end.trailingHeaders(), true);
                last = edge.writeHeaders(id, trailers, true, track ? edge.context().newPromise() : null);
            }
        } else if (msg instanceof HttpContent part) {
            last = edge.writeData(id, part.content(), false, track ? edge.context().newPromise() : null);
        }
        return track ? last : null;
    }
}
