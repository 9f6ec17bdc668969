package dev.breakwater.dataplane.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * A stored response made into the answer to one request, with its {@code Age} and {@code X-Cache-Status}: 304 when
 * the client's own validators match, the part a {@code Range} asks for, no body for {@code HEAD}; or, when it is the
 * stored response as it is, its wire bytes from the head encoded once. The state stays in {@link CacheRequest}.
 */
final class CachedAnswer {

    private static final byte[] AGE_PREFIX = (HttpHeaderNames.AGE + ": ").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CACHE_STATUS_PREFIX = ("\r\n" + CacheRequest.X_CACHE_STATUS + ": ")
            .getBytes(StandardCharsets.US_ASCII);
    /** A body up to this size goes in the same buffer as the head of an encoded answer; a larger one beside it. */
    private static final int INLINE_BODY = 8192;

    private CachedAnswer() {
    }

    /**
     * The answer to {@code request} from {@code e}, as {@code how} (the cache status) at {@code nowMillis}; a
     * revalidating request's own validators are the cache's, so they do not make it 304.
     */
    static FullHttpResponse full(CachedResponse e, String how, boolean revalidating, HttpRequest request,
                                 long nowMillis) {
        HttpHeaders h = new DefaultHttpHeaders().add(e.headers());
        h.set(HttpHeaderNames.AGE, e.currentAgeMillis(nowMillis) / 1000);
        h.set(CacheRequest.X_CACHE_STATUS, how);
        int code = e.status();
        ByteBuf body = Unpooled.EMPTY_BUFFER;
        if (!revalidating && Conditionals.notModified(e, request.headers())) {
            code = 304;
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
            h.remove(HttpHeaderNames.CONTENT_TYPE);
        } else if (!request.method().equals(HttpMethod.HEAD)) {
            ByteRanges.Partial partial = request.method().equals(HttpMethod.GET) ? ByteRanges.answer(e, request.headers())
                    : null;
            if (partial == null) {
                body = Unpooled.wrappedBuffer(e.body());
            } else {
                code = partial.status();
                body = partial.body();
                h.set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                if (partial.contentRange() != null) {
                    h.set(HttpHeaderNames.CONTENT_RANGE, partial.contentRange());
                }
                if (partial.contentType() != null) {
                    h.set(HttpHeaderNames.CONTENT_TYPE, partial.contentType());
                }
            }
        }
        if (code == 200 && e.status() == 200 && !h.contains(HttpHeaderNames.ACCEPT_RANGES)) {
            h.set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
        }
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code), body, h,
                EmptyHttpHeaders.INSTANCE);
    }

    /**
     * True when {@link #full} would be {@code e} as it is, with only its age and cache status added (so
     * {@link #encoded} may give it): not a 304, not a part, not for {@code HEAD}; a complete response framed by its
     * {@code Content-Length}.
     */
    static boolean asStored(CachedResponse e, boolean revalidating, HttpRequest request) {
        HttpHeaders rh = request.headers();
        return e != null && e.partial() == null && request.method().equals(HttpMethod.GET)
                && !rh.contains(HttpHeaderNames.RANGE)
                && (revalidating || !Conditionals.notModified(e, rh))
                && e.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
                && !e.headers().contains(HttpHeaderNames.TRANSFER_ENCODING);
    }

    /**
     * {@link #full} as HTTP/1.1 wire bytes, when {@link #asStored}: the stored head encoded once, the {@code Age} at
     * {@code nowMillis} and {@code X-Cache-Status} {@code how} (and {@code Connection: close} when {@code close}),
     * the body.
     */
    static ByteBuf encoded(CachedResponse e, String how, long nowMillis, ByteBufAllocator alloc, boolean close) {
        byte[] head = e.wireHead();
        byte[] body = e.body();
        ByteBuf buf = alloc.buffer(head.length + 96 + (body.length <= INLINE_BODY ? body.length : 0));
        buf.writeBytes(head);
        buf.writeBytes(AGE_PREFIX);
        writeDecimal(buf, e.currentAgeMillis(nowMillis) / 1000);
        buf.writeBytes(CACHE_STATUS_PREFIX);
        buf.writeCharSequence(how, StandardCharsets.US_ASCII);
        buf.writeCharSequence(close ? "\r\nconnection: close\r\n\r\n" : "\r\n\r\n", StandardCharsets.US_ASCII);
        if (body.length <= INLINE_BODY) {
            buf.writeBytes(body);
            return buf;
        }
        return Unpooled.wrappedBuffer(buf, Unpooled.wrappedBuffer(body));
    }

    private static void writeDecimal(ByteBuf buf, long value) {
        if (value < 10) {
            buf.writeByte('0' + (int) value);
        } else {
            buf.writeCharSequence(Long.toString(value), StandardCharsets.US_ASCII);
        }
    }
}
