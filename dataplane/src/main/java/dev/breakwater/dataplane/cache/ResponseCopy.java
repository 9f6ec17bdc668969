package dev.breakwater.dataplane.cache;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * A response being copied into the cache as it streams to the client: the head it is to be stored with (its status,
 * its header fields as they came from the origin, its freshness lifetime), and its body, up to a size limit and
 * within the cache's budget for bodies in flight; {@link #release()} gives that budget back. Made when a storable
 * head arrives, dropped once stored or abandoned.
 */
final class ResponseCopy {

    private final int status;
    private final HttpHeaders headers;
    private final Freshness.Lifetime lifetime;
    private final long limit;
    private final ResponseCache cache;
    private final List<byte[]> parts = new ArrayList<>(4);
    private long size;
    private long reserved;

    /**
     * @param headers a copy of the response's header fields, owned by this from now on
     * @param limit   the most body bytes stored
     */
    ResponseCopy(int status, HttpHeaders headers, Freshness.Lifetime lifetime, long limit, ResponseCache cache) {
        this.status = status;
        this.headers = headers;
        this.lifetime = lifetime;
        this.limit = limit;
        this.cache = cache;
    }

    int status() {
        return status;
    }

    HttpHeaders headers() {
        return headers;
    }

    Freshness.Lifetime lifetime() {
        return lifetime;
    }

    /**
     * Copies the readable bytes (without consuming them); false once the body is larger than the limit or the
     * cache's budget for bodies in flight is spent (the body is then released).
     */
    boolean append(ByteBuf buf) {
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
    void release() {
        parts.clear();
        cache.releaseFillBytes(reserved);
        reserved = 0;
    }

    /** The whole body (call before {@link #release()}). */
    byte[] toArray() {
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

    /**
     * The entry to store for a response to a client's request, with {@code body} (this copy's whole body), or null to
     * store nothing. A 206 is combined with the parts stored for the key (read now, not when the request began:
     * another request may have stored more); nothing is stored for it when its body is not what its
     * {@code Content-Range} says, or a complete response of the same entity tag is stored already.
     *
     * @param requestMillis when the request was sent to the origin
     */
    CachedResponse entry(byte[] body, CacheKey key, HttpHeaders requestHeaders, long requestMillis,
                         CacheSettings settings) {
        if (status != 206) {
            return CachedResponse.store(status, headers, body, requestMillis, cache.now(), settings, lifetime);
        }
        PartialContent.Range range = PartialContent.contentRange(headers);
        if (range == null || range.size() != body.length) {
            return null;
        }
        CachedResponse older = cache.lookup(key, requestHeaders);
        if (older != null && older.partial() == null && headers.get(HttpHeaderNames.ETAG).equals(older.etag())) {
            return null; // the whole of this representation is there already
        }
        return CachedResponse.storePart(headers, body, older, requestMillis, cache.now(), settings, lifetime);
    }
}
