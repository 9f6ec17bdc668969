package dev.breakwater.dataplane.frontend;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import dev.breakwater.dataplane.request.RequestHeadCheck;
import dev.breakwater.dataplane.request.RequestTarget;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Rejects malformed HTTP/2 requests (RFC 9113 section 8.1.1 and 8.3.1) with RST_STREAM PROTOCOL_ERROR before
 * they reach a stream: a request head without {@code :method}, {@code :scheme} or {@code :path} (or with an
 * empty {@code :path}); trailers that carry pseudo-headers or do not end the stream; a body whose length
 * differs from its {@code content-length}. A method outside upper-case letters, a {@code :path} with
 * a space or control character (which the conversion to an HTTP/1 request cannot carry), and a {@code host} header
 * naming another host than {@code :authority} are answered 400. Sits between the frame codec and the stream multiplexer; state is
 * kept only for streams whose request is still arriving.
 */
final class Http2RequestValidator extends ChannelInboundHandlerAdapter {

    /** What is known of a stream whose request has not ended yet. */
    private static final class Pending {
        long declaredLength = -1;
        long received;
    }

    private final Map<Integer, Pending> open = new HashMap<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2HeadersFrame headers) {
            onHeaders(ctx, headers);
        } else if (msg instanceof Http2DataFrame data) {
            onData(ctx, data);
        } else {
            if (msg instanceof Http2ResetFrame reset && reset.stream() != null) {
                open.remove(reset.stream().id());
            }
            ctx.fireChannelRead(msg);
        }
    }

    private void onHeaders(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
        int id = frame.stream().id();
        Http2Headers h = frame.headers();
        Pending pending = open.get(id);
        if (pending == null) {
            CharSequence method = h.method();
            boolean connect = method != null && "CONNECT".contentEquals(method);
            if (method == null || !connect && (h.scheme() == null || h.path() == null || h.path().length() == 0)) {
                reject(ctx, frame);
                return;
            }
            if (!RequestHeadCheck.validMethod(method)) {
                badRequest(ctx, frame, "the method must be upper-case letters, '-' or '_'");
                return;
            }
            if (!connect && !RequestTarget.readable(h.path())) {
                badRequest(ctx, frame, "the path has a space or a control character");
                return;
            }
            if (!sameHost(h)) {
                badRequest(ctx, frame, "the host header and :authority name different hosts");
                return;
            }
            if (!frame.isEndStream()) {
                pending = new Pending();
                CharSequence length = h.get("content-length");
                if (length != null) {
                    try {
                        pending.declaredLength = Long.parseLong(length.toString());
                    } catch (NumberFormatException e) {
                        reject(ctx, frame);
                        return;
                    }
                }
                open.put(id, pending);
            }
        } else {
            // trailers
            if (!frame.isEndStream() || hasPseudoHeader(h)) {
                open.remove(id);
                reject(ctx, frame);
                return;
            }
            open.remove(id);
            if (pending.declaredLength >= 0 && pending.declaredLength != pending.received) {
                reject(ctx, frame);
                return;
            }
        }
        ctx.fireChannelRead(frame);
    }

    private void onData(ChannelHandlerContext ctx, Http2DataFrame frame) {
        int id = frame.stream().id();
        Pending pending = open.get(id);
        if (pending != null) {
            pending.received += frame.content().readableBytes();
            boolean over = pending.declaredLength >= 0 && pending.received > pending.declaredLength;
            boolean under = frame.isEndStream() && pending.declaredLength >= 0
                    && pending.received != pending.declaredLength;
            if (frame.isEndStream() || over) {
                open.remove(id);
            }
            if (over || under) {
                reject(ctx, frame);
                return;
            }
        }
        ctx.fireChannelRead(frame);
    }

    /**
     * Stream errors found by the codec itself (a second HEADERS without END_STREAM, a bad content-length):
     * answered with RST_STREAM carrying their error code, rather than left to the stream's handler.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Http2FrameStreamException e && e.stream() != null) {
            open.remove(e.stream().id());
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(e.error()).stream(e.stream()));
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    /** RFC 9113 section 8.3.1: a host header, where there is one beside :authority, names the same host. */
    private static boolean sameHost(Http2Headers h) {
        CharSequence authority = h.authority();
        if (authority == null) {
            return true;
        }
        for (CharSequence host : h.getAll(HttpHeaderNames.HOST)) {
            if (!AsciiString.contentEqualsIgnoreCase(host, authority)) {
                return false;
            }
        }
        return true;
    }

    /** Answers the stream 400 with the reason, and ends it (a body still on its way is refused by RST_STREAM). */
    private static void badRequest(ChannelHandlerContext ctx, Http2HeadersFrame frame, String reason) {
        Http2FrameStream stream = frame.stream();
        boolean bodyFollows = !frame.isEndStream();
        ReferenceCountUtil.release(frame);
        byte[] body = ("400 Bad Request: " + reason + "\n").getBytes(StandardCharsets.UTF_8);
        Http2Headers head = new DefaultHttp2Headers().status("400")
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        ctx.write(new DefaultHttp2HeadersFrame(head, false).stream(stream));
        ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true).stream(stream));
        if (bodyFollows) {
            ctx.write(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR).stream(stream));
        }
        ctx.flush();
    }

    private static boolean hasPseudoHeader(Http2Headers h) {
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            if (e.getKey().length() > 0 && e.getKey().charAt(0) == ':') {
                return true;
            }
        }
        return false;
    }

    private static void reject(ChannelHandlerContext ctx, Http2StreamFrame frame) {
        Http2FrameStream stream = frame.stream();
        ReferenceCountUtil.release(frame);
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR).stream(stream));
    }
}
