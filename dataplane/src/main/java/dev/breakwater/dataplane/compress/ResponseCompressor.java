package dev.breakwater.dataplane.compress;

import com.aayushatharva.brotli4j.encoder.Encoder;
import dev.breakwater.dataplane.cache.CacheControl;
import dev.breakwater.dataplane.cache.ContentCoding;
import dev.breakwater.routing.Compression;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.BrotliEncoder;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Locale;

/**
 * Compresses response bodies for a route: decides from the response and the client's
 * {@code Accept-Encoding} whether to, rewrites the header fields, and encodes the body as it streams through
 * Netty's gzip (zlib) and brotli encoders.
 */
public final class ResponseCompressor {

    /** Media types compressed when a route does not list its own. */
    public static final List<String> DEFAULT_TYPES = List.of("text/*", "application/json", "application/*+json",
            "application/javascript", "application/x-javascript", "application/xml", "application/*+xml",
            "image/svg+xml", "application/wasm", "font/ttf", "font/otf");
    /** Smallest body compressed when a route does not say (bodies of unknown length always qualify). */
    public static final long DEFAULT_MIN_BYTES = 1024;

    private static final int GZIP_LEVEL = 6;
    private static final int BROTLI_QUALITY = 4;
    private static final int BROTLI_WINDOW = 22;

    private final long minBytes;
    private final List<String> types;

    public ResponseCompressor(Compression settings) {
        this.minBytes = settings.minBytes() != null ? settings.minBytes() : DEFAULT_MIN_BYTES;
        this.types = settings.contentTypes() == null || settings.contentTypes().isEmpty() ? DEFAULT_TYPES
                : settings.contentTypes().stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
    }

    /**
     * Looks at a response about to be sent and, when it should be compressed, rewrites its header fields and
     * returns the coding to encode the body with; returns null when the body goes as it is. Adds
     * {@code Vary: Accept-Encoding} to every response of a compressible type, whatever this client accepts.
     */
    public String begin(int status, HttpHeaders response, String acceptEncoding) {
        if (status < 200 || status == 204 || status == 206 || status == 304) {
            return null;
        }
        String existing = response.get(HttpHeaderNames.CONTENT_ENCODING);
        if (existing != null && !existing.trim().equalsIgnoreCase(ContentCoding.IDENTITY)) {
            return null;
        }
        if (!compressibleType(response.get(HttpHeaderNames.CONTENT_TYPE))) {
            return null;
        }
        if (CacheControl.parse(response.getAll(HttpHeaderNames.CACHE_CONTROL)).has("no-transform")) {
            return null;
        }
        long length = contentLength(response);
        if (length >= 0 && length < minBytes) {
            return null;
        }
        addVary(response);
        String coding = ContentCoding.preferred(acceptEncoding);
        if (coding.equals(ContentCoding.IDENTITY)) {
            return null;
        }
        response.remove(HttpHeaderNames.CONTENT_LENGTH);
        response.remove(HttpHeaderNames.ACCEPT_RANGES);
        response.set(HttpHeaderNames.CONTENT_ENCODING, coding);
        String etag = response.get(HttpHeaderNames.ETAG);
        if (etag != null && !etag.startsWith("W/")) {
            response.set(HttpHeaderNames.ETAG, "W/" + etag); // the encoded body is another representation
        }
        return coding;
    }

    /**
     * {@link #begin} for a response about to be relayed: the encoder of its body, or null when the body goes as it
     * is (a {@code HEAD} response has none to encode, and its header fields are left as they are).
     */
    public BodyEncoder start(int status, HttpHeaders response, String acceptEncoding, boolean head) {
        if (head) {
            return null;
        }
        String coding = begin(status, response, acceptEncoding);
        return coding == null ? null : encoder(coding);
    }

    /** A streaming encoder for one body. */
    public static BodyEncoder encoder(String coding) {
        return new BodyEncoder(coding);
    }

    /** Compresses a whole body at once (a background refresh of a compressed cache entry). */
    public static byte[] encodeAll(String coding, byte[] body) {
        BodyEncoder e = encoder(coding);
        ByteBuf out = e.encode(io.netty.buffer.Unpooled.wrappedBuffer(body));
        ByteBuf tail = e.finish();
        try {
            byte[] bytes = new byte[out.readableBytes() + tail.readableBytes()];
            out.readBytes(bytes, 0, out.readableBytes());
            tail.readBytes(bytes, bytes.length - tail.readableBytes(), tail.readableBytes());
            return bytes;
        } finally {
            out.release();
            tail.release();
        }
    }

    boolean compressibleType(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        for (String pattern : types) {
            if (matches(pattern, type)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String pattern, String type) {
        if (pattern.equals(type)) {
            return true;
        }
        int star = pattern.indexOf('*');
        if (star < 0) {
            return false;
        }
        String prefix = pattern.substring(0, star);
        String suffix = pattern.substring(star + 1);
        return type.length() >= prefix.length() + suffix.length() && type.startsWith(prefix) && type.endsWith(suffix);
    }

    private static long contentLength(HttpHeaders h) {
        String v = h.get(HttpHeaderNames.CONTENT_LENGTH);
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void addVary(HttpHeaders h) {
        for (String v : h.getAll(HttpHeaderNames.VARY)) {
            for (String part : v.split(",")) {
                String n = part.trim();
                if (n.equalsIgnoreCase("accept-encoding") || n.equals("*")) {
                    return;
                }
            }
        }
        h.add(HttpHeaderNames.VARY, "Accept-Encoding");
    }

    /**
     * Encodes one body chunk by chunk: every call gives back what the encoder produced so far (possibly
     * nothing), {@link #finish()} the rest. Never blocks; must be {@link #close() closed} if abandoned.
     */
    public static final class BodyEncoder {
        private final EmbeddedChannel channel;

        BodyEncoder(String coding) {
            if (coding.equals(ContentCoding.BROTLI)) {
                Encoder.Parameters p = new Encoder.Parameters().setQuality(BROTLI_QUALITY).setWindow(BROTLI_WINDOW);
                channel = new EmbeddedChannel(false, false, new BrotliEncoder(p, false));
            } else {
                channel = new EmbeddedChannel(false, false,
                        ZlibCodecFactory.newZlibEncoder(ZlibWrapper.GZIP, GZIP_LEVEL));
            }
            try {
                channel.register();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start a " + coding + " encoder", e);
            }
        }

        /** Takes ownership of {@code in}; returns the encoded bytes available now (the caller releases them). */
        public ByteBuf encode(ByteBuf in) {
            if (!in.isReadable()) {
                in.release();
                return io.netty.buffer.Unpooled.EMPTY_BUFFER;
            }
            channel.writeOutbound(in);
            return drain();
        }

        /**
         * Encodes a part of the body on its way to the client, taking ownership of {@code part}: the encoded part, or
         * null when the encoder has nothing to give yet. The last part (with its trailers) always comes out, and
         * finishes the encoder.
         */
        public HttpContent encode(HttpContent part) {
            ByteBuf encoded = encode(part.content().retain());
            if (part instanceof LastHttpContent last) {
                ByteBuf tail = finish();
                HttpHeaders trailers = last.trailingHeaders();
                part.release();
                if (tail.isReadable()) {
                    encoded = Unpooled.wrappedBuffer(encoded, tail);
                } else {
                    tail.release();
                }
                return new DefaultLastHttpContent(encoded, trailers);
            }
            part.release();
            if (!encoded.isReadable()) {
                encoded.release();
                return null;
            }
            return new DefaultHttpContent(encoded);
        }

        /** Ends the body; returns the last encoded bytes (the caller releases them). */
        public ByteBuf finish() {
            channel.finish();
            return drain();
        }

        /** Drops an unfinished body. */
        public void close() {
            channel.finishAndReleaseAll();
        }

        private ByteBuf drain() {
            CompositeByteBuf out = null;
            ByteBuf first = null;
            ByteBuf b;
            while ((b = channel.readOutbound()) != null) {
                if (!b.isReadable()) {
                    b.release();
                    continue;
                }
                if (first == null) {
                    first = b;
                } else {
                    if (out == null) {
                        out = ByteBufAllocator.DEFAULT.compositeBuffer();
                        out.addComponent(true, first);
                    }
                    out.addComponent(true, b);
                }
            }
            if (out != null) {
                return out;
            }
            return first == null ? io.netty.buffer.Unpooled.EMPTY_BUFFER : first;
        }
    }
}
