package dev.breakwater.dataplane.cache;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The file of one entry of the disk tier: a head (magic, version, length of the meta part), the meta part (primary
 * and secondary key, the {@code Vary} names, status, timing, header fields), the body, and a CRC-32C of everything
 * before it. The meta part alone is read when the directory is scanned at start; the whole file, checksum checked,
 * when the entry is served. Anything that does not check out is an {@link IOException}.
 */
final class DiskEntryCodec {

    private static final int MAGIC = 0x42574331; // "BWC1"
    /** Magic and meta length. */
    static final int HEAD_BYTES = 8;
    /** The meta part is small: this bounds what a corrupt length can make the scan allocate. */
    static final int MAX_META_BYTES = 1 << 20;

    /** What the meta part says: the keys and the size of the whole file. */
    record Meta(CacheKey key, String secondary, List<String> vary, long fileBytes) {
    }

    private DiskEntryCodec() {
    }

    static byte[] encode(CacheKey key, String secondary, CachedResponse r) {
        try {
            ByteArrayOutputStream metaBytes = new ByteArrayOutputStream(512);
            DataOutputStream m = new DataOutputStream(metaBytes);
            string(m, key.route());
            m.writeLong(key.generation());
            string(m, key.scheme());
            string(m, key.host());
            string(m, key.target());
            string(m, secondary);
            m.writeInt(r.vary().size());
            for (String v : r.vary()) {
                string(m, v);
            }
            m.writeInt(r.status());
            CachedResponse.Timing t = r.timing();
            m.writeLong(t.responseTimeMillis());
            m.writeLong(t.correctedInitialAgeMillis());
            m.writeLong(t.freshnessLifetimeMillis());
            m.writeLong(t.staleWhileRevalidateMillis());
            m.writeLong(t.staleIfErrorMillis());
            m.writeBoolean(t.noCache());
            m.writeBoolean(t.mayServeStale());
            m.writeBoolean(t.heuristic());
            List<Map.Entry<String, String>> fields = r.headers().entries();
            m.writeInt(fields.size());
            for (Map.Entry<String, String> f : fields) {
                string(m, f.getKey());
                string(m, f.getValue());
            }
            m.writeLong(r.body().length);
            m.flush();
            byte[] meta = metaBytes.toByteArray();
            ByteBuffer out = ByteBuffer.allocate(HEAD_BYTES + meta.length + r.body().length + 8);
            out.putInt(MAGIC).putInt(meta.length).put(meta).put(r.body());
            CRC32C crc = new CRC32C();
            crc.update(out.array(), 0, out.position());
            out.putLong(crc.getValue());
            return out.array();
        } catch (IOException e) {
            throw new IllegalStateException(e); // in memory: not thrown
        }
    }

    /** The length of the meta part from the head of a file. */
    static int metaLength(byte[] head) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(head);
        if (head.length < HEAD_BYTES || b.getInt() != MAGIC) {
            throw new IOException("not an entry file");
        }
        int n = b.getInt();
        if (n <= 0 || n > MAX_META_BYTES) {
            throw new IOException("meta part of " + n + " bytes");
        }
        return n;
    }

    /** Reads the meta part (the bytes after the head). */
    static Meta meta(byte[] meta) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(meta));
        CacheKey key = new CacheKey(string(in), in.readLong(), string(in), string(in), string(in));
        String secondary = string(in);
        List<String> vary = strings(in);
        in.skipNBytes(4 + 5 * 8 + 3);
        int fields = count(in);
        for (int i = 0; i < fields * 2; i++) {
            string(in);
        }
        long body = in.readLong();
        if (body < 0 || body > Integer.MAX_VALUE) {
            throw new IOException("body of " + body + " bytes");
        }
        return new Meta(key, secondary, vary, HEAD_BYTES + meta.length + body + 8);
    }

    /** The stored response of a whole file, after its checksum is checked. */
    static CachedResponse decode(byte[] file) throws IOException {
        if (file.length < HEAD_BYTES + 8) {
            throw new IOException("truncated: " + file.length + " bytes");
        }
        int metaLength = metaLength(file);
        CRC32C crc = new CRC32C();
        crc.update(file, 0, file.length - 8);
        if (crc.getValue() != ByteBuffer.wrap(file, file.length - 8, 8).getLong()) {
            throw new IOException("checksum mismatch (" + file.length + " bytes)");
        }
        if (HEAD_BYTES + metaLength > file.length - 8) {
            throw new IOException("truncated meta part");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(file, HEAD_BYTES, metaLength));
        for (int i = 0; i < 5; i++) { // the primary key: known from the meta part already
            if (i == 1) {
                in.readLong();
            } else {
                string(in);
            }
        }
        string(in); // the secondary key: known from the meta part already
        List<String> vary = strings(in);
        int status = in.readInt();
        CachedResponse.Timing timing = new CachedResponse.Timing(in.readLong(), in.readLong(), in.readLong(),
                in.readLong(), in.readLong(), in.readBoolean(), in.readBoolean(), in.readBoolean());
        int fields = count(in);
        HttpHeaders headers = new DefaultHttpHeaders(false);
        for (int i = 0; i < fields; i++) {
            headers.add(string(in), string(in));
        }
        long bodyLength = in.readLong();
        int bodyAt = HEAD_BYTES + metaLength;
        if (bodyAt + bodyLength != file.length - 8) {
            throw new IOException("body of " + bodyLength + " bytes in a file of " + file.length);
        }
        byte[] body = new byte[(int) bodyLength];
        System.arraycopy(file, bodyAt, body, 0, body.length);
        return CachedResponse.restore(status, headers, body, vary, timing);
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String string(DataInputStream in) throws IOException {
        int n = count(in);
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static List<String> strings(DataInputStream in) throws IOException {
        int n = count(in);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(string(in));
        }
        return out;
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("a length of " + n + " past the end");
        }
        return n;
    }
}
