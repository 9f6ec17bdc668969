package dev.breakwater.dataplane.cache;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * A response body being copied into the cache as it streams to the client, up to a size limit and within
 * the cache's budget for bodies in flight; {@link #release()} gives that budget back.
 */
public final class CachedBody {

    private final long limit;
    private final ResponseCache cache;
    private final List<byte[]> parts = new ArrayList<>(4);
    private long size;
    private long reserved;

    public CachedBody(long limit, ResponseCache cache) {
        this.limit = limit;
        this.cache = cache;
    }

    /**
     * Copies the readable bytes (without consuming them); false once the body is larger than the limit or the
     * cache's budget for bodies in flight is spent (the body is then released).
     */
    public boolean append(ByteBuf buf) {
        int n = buf.readableBytes();
        if (n == 0) {
            return true;
        }
        size += n;
        if (size > limit || !cache.reserveFillBytes(n)) {
            release();
            return false;
        }
        reserved += n;
        byte[] copy = new byte[n];
        buf.getBytes(buf.readerIndex(), copy);
        parts.add(copy);
        return true;
    }

    /** Gives the bytes held back to the cache's budget and forgets them; idempotent. */
    public void release() {
        parts.clear();
        cache.releaseFillBytes(reserved);
        reserved = 0;
    }

    /** The whole body (call before {@link #release()}). */
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
