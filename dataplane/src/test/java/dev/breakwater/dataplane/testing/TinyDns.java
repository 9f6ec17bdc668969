package dev.breakwater.dataplane.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * The answer of a tiny DNS server: every {@code A} question gets one record of the given address (TTL 60), anything
 * else an empty answer. Enough for {@code dig}.
 */
public final class TinyDns {

    private TinyDns() {
    }

    /** A {@link UdpEchoServer.Responder} answering every A query with {@code address}. */
    public static UdpEchoServer.Responder answering(byte[] address) {
        return query -> answer(query, address);
    }

    static byte[] answer(byte[] query, byte[] address) {
        if (query.length < 12) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(query);
        short id = in.getShort(0);
        int questions = Short.toUnsignedInt(in.getShort(4));
        if (questions != 1) {
            return null;
        }
        int at = 12;
        while (at < query.length && query[at] != 0) {
            at += (query[at] & 0xff) + 1;
        }
        int questionEnd = at + 5;
        if (questionEnd > query.length) {
            return null;
        }
        int type = Short.toUnsignedInt(in.getShort(at + 1));
        boolean isA = type == 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(12);
        head.putShort(id).putShort((short) 0x8180).putShort((short) 1).putShort((short) (isA ? 1 : 0))
                .putShort((short) 0).putShort((short) 0);
        out.writeBytes(head.array());
        out.write(query, 12, questionEnd - 12);
        if (isA) {
            ByteBuffer rr = ByteBuffer.allocate(16);
            rr.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(60).putShort((short) 4)
                    .put(address);
            out.writeBytes(rr.array());
        }
        return out.toByteArray();
    }
}
