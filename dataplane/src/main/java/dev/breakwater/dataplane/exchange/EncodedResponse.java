package dev.breakwater.dataplane.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A whole HTTP/1.1 response already in its wire bytes (status line, header fields, body), for a connection whose
 * {@link Downstream#takesEncodedResponses()} says yes: its codec writes them as they are instead of encoding a
 * response object (a cache hit, whose head is encoded once when it is stored). It answers a request that is neither
 * {@code HEAD} nor {@code CONNECT}.
 */
public final class EncodedResponse extends DefaultByteBufHolder {

    public EncodedResponse(ByteBuf bytes) {
        super(bytes);
    }
}
