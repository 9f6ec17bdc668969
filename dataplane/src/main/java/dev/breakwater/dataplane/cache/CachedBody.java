package dev.breakwater.dataplane.cache;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** A response body being copied into the cache as it streams to the client, up to a size limit. */
public final class CachedBody {

    private final long limit;
    private final List<byte[]> parts = new ArrayList<>(4);
    private long size;

    public CachedBody(long limit) {
        this.limit = limit;
    }

    /** Copies the readable bytes (without consuming them); false once the body is larger than the limit. */
    public boolean append(ByteBuf buf) {
        int n = buf.readableBytes();
        if (n == 0) {
            return true;
        }
        size += n;
        if (size > limit) {
            parts.clear();
            return false;
        }
        byte[] copy = new byte[n];
        buf.getBytes(buf.readerIndex(), copy);
        parts.add(copy);
        return true;
    }

    public byte[] toArray() {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        byte[] all = new byte[(int) size];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
