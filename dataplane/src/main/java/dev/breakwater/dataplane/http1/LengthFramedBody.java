package dev.breakwater.dataplane.http1;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * The body of a message whose head a plain-head parser read, framed by its Content-Length: cut from the bytes read
 * into retained slices of at most the decoder's chunk size, the last one a {@link LastHttpContent}, as Netty's
 * decoder cuts it. One per decoder, on its event loop.
 */
public final class LengthFramedBody {

    private final int maxChunkSize;
    /** Body bytes still to come; -1 when no body is under way. */
    private long remaining = -1;

    public LengthFramedBody(int maxChunkSize) {
        this.maxChunkSize = maxChunkSize;
    }

    /** True while a body's bytes are still to come. */
    public boolean underWay() {
        return remaining >= 0;
    }

    /** A head of {@code length} body bytes was read: its end at once when there are none, else what is in. */
    public void start(long length, ByteBuf in, List<Object> out) {
        remaining = length;
        if (remaining == 0) {
            remaining = -1;
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        } else {
            next(in, out);
        }
    }

    /** The next part of the body under way, from {@code in}. */
    public void next(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(Math.min(remaining, in.readableBytes()), maxChunkSize);
        if (n == 0) {
            return;
        }
        ByteBuf part = in.readRetainedSlice(n);
        remaining -= n;
        if (remaining == 0) {
            remaining = -1;
            out.add(new DefaultLastHttpContent(part));
        } else {
            out.add(new DefaultHttpContent(part));
        }
    }

    /** The connection closed inside the body: no end is given, as Netty's decoder gives none. */
    public void closedInside(ByteBuf in) {
        remaining = -1;
        in.skipBytes(in.readableBytes());
    }
}
