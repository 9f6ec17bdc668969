package dev.breakwater.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A message's frame body compressed with gzip (RFC 1952), made once and written as it is to every peer that speaks
 * protocol 2. A reader tells it from plain JSON by its first two bytes ({@code 1f 8b}; JSON starts with
 * {@code {}), and inflates it to at most its largest frame: a frame that would inflate to more is refused.
 *
 * @param message what the frame carries (for logs)
 * @param body    the compressed bytes (owned by this value; never modified)
 */
public record CompressedFrame(ChannelMessage message, byte[] body) {

    public CompressedFrame {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(body, "body");
    }

    /** Compresses the frame of {@code message}. */
    public static CompressedFrame of(ChannelMessage message) {
        byte[] head = MessageCodec.encode(message);
        byte[] payload = MessageCodec.payload(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload == null ? 64 : payload.length / 8 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024)) {
            gzip.write(head);
            if (payload != null) {
                gzip.write(payload);
                gzip.write(MessageCodec.TABLE_SUFFIX);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new CompressedFrame(message, out.toByteArray());
    }

    /** True when a frame body is gzip, not JSON. */
    static boolean isCompressed(ByteBuf frame) {
        int at = frame.readerIndex();
        return frame.readableBytes() >= 2 && frame.getByte(at) == (byte) 0x1f && frame.getByte(at + 1) == (byte) 0x8b;
    }

    /**
     * The JSON of a compressed frame body (read, not released).
     *
     * @throws IllegalArgumentException if it is not gzip, or inflates to more than {@code maxBytes}
     */
    static byte[] inflate(ByteBuf frame, int maxBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, frame.readableBytes() * 8));
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = new GZIPInputStream(new ByteBufInputStream(frame), 16 * 1024)) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (out.size() + n > maxBytes) {
                    throw new IllegalArgumentException("a compressed frame inflates to more than " + maxBytes
                            + " bytes (the largest frame accepted)");
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("a compressed frame does not inflate: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return "CompressedFrame[" + message + ", " + body.length + " bytes]";
    }
}
