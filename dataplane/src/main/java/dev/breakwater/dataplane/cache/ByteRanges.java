package dev.breakwater.dataplane.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Range requests answered from a stored complete response, or from the parts of 206s held (RFC 9111 3.3) when
 * they hold every range asked for (RFC 9110 section 14): {@code Range: bytes=...} with
 * one or more ranges (first-last, first-, or a suffix -n), checked against {@code If-Range}, becomes a 206 with
 * {@code Content-Range} (one range) or a {@code multipart/byteranges} body (several), or a 416 with
 * {@code Content-Range: bytes *}&#47;length when none of them is satisfiable. Anything this cache does not
 * answer partially gets the whole response, as RFC 9110 allows a server to ignore {@code Range}: another unit, a
 * syntax error, more than {@value #MAX_RANGES} ranges, an {@code If-Range} that does not match (strong comparison
 * of entity tags; a date only against the stored {@code Last-Modified}), a stored status other than 200.
 * Overlapping and adjacent ranges are merged into one part.
 */
public final class ByteRanges {

    /** More ranges than this in one request: the whole response instead (a small-range flood costs the proxy). */
    public static final int MAX_RANGES = 16;

    /** A partial answer: the status (206 or 416), the header fields to set and the body. */
    public record Partial(int status, String contentRange, String contentType, ByteBuf body) {
    }

    private record Span(long first, long last) {
    }

    private ByteRanges() {
    }

    /**
     * The partial answer to this request from {@code stored}, or null to send the whole response. A stored partial
     * response (the parts of 206s) answers only what {@link #answerable} says it can.
     */
    public static Partial answer(CachedResponse stored, HttpHeaders request) {
        List<Span> spans = spans(stored, request);
        if (spans == null) {
            return null;
        }
        long length = lengthOf(stored);
        if (spans.isEmpty()) {
            return new Partial(416, "bytes */" + length, null, Unpooled.EMPTY_BUFFER);
        }
        if (spans.size() == 1) {
            Span s = spans.get(0);
            return new Partial(206, "bytes " + s.first() + "-" + s.last() + "/" + length, null, slice(stored, s));
        }
        String boundary = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        String type = stored.headers().get(HttpHeaderNames.CONTENT_TYPE);
        CompositeByteBuf out = Unpooled.compositeBuffer(spans.size() * 2 + 1);
        for (Span s : spans) {
            String head = "\r\n--" + boundary + "\r\n" + (type == null ? "" : "Content-Type: " + type + "\r\n")
                    + "Content-Range: bytes " + s.first() + "-" + s.last() + "/" + length + "\r\n\r\n";
            out.addComponent(true, Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.ISO_8859_1)));
            out.addComponent(true, slice(stored, s));
        }
        out.addComponent(true, Unpooled.wrappedBuffer(("\r\n--" + boundary + "--\r\n")
                .getBytes(StandardCharsets.ISO_8859_1)));
        return new Partial(206, null, "multipart/byteranges; boundary=" + boundary, out);
    }

    /**
     * True when {@code stored} can answer this request: always for a complete response; for the parts of 206s
     * (RFC 9111 3.3), only a valid {@code Range} whose {@code If-Range}, if any, holds and whose every range is
     * held (or none is satisfiable: 416).
     */
    public static boolean answerable(CachedResponse stored, HttpHeaders request) {
        PartialContent parts = stored.partial();
        if (parts == null) {
            return true;
        }
        List<Span> spans = spans(stored, request);
        if (spans == null) {
            return false;
        }
        for (Span s : spans) {
            if (!parts.holds(s.first(), s.last())) {
                return false;
            }
        }
        return true;
    }

    /** The ranges to answer, or null for the whole response (no Range, a stored status other than 200...). */
    private static List<Span> spans(CachedResponse stored, HttpHeaders request) {
        String range = request.get(HttpHeaderNames.RANGE);
        if (range == null || stored.status() != 200 && stored.partial() == null
                || !ifRangeHolds(stored, request.get(HttpHeaderNames.IF_RANGE))) {
            return null;
        }
        return parse(range, lengthOf(stored));
    }

    private static long lengthOf(CachedResponse stored) {
        return stored.partial() != null ? stored.partial().length() : stored.body().length;
    }

    private static ByteBuf slice(CachedResponse stored, Span s) {
        if (stored.partial() != null) {
            return stored.partial().slice(s.first(), s.last());
        }
        return Unpooled.wrappedBuffer(stored.body(), (int) s.first(), (int) (s.last() - s.first() + 1));
    }

    /**
     * The satisfiable ranges of a {@code bytes} range set, sorted and merged; empty when none is satisfiable;
     * null when the field is not a valid bytes range set or has too many ranges (then {@code Range} is ignored).
     */
    static List<Span> parse(String field, long length) {
        String v = field.trim();
        if (!v.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String[] parts = v.substring(6).split(",", -1);
        if (parts.length > MAX_RANGES) {
            return null;
        }
        List<Span> spans = new ArrayList<>();
        int members = 0;
        for (String part : parts) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue; // empty list elements are allowed (RFC 9110 5.6.1)
            }
            members++;
            int dash = p.indexOf('-');
            if (dash < 0 || p.indexOf('-', dash + 1) >= 0) {
                return null;
            }
            String a = p.substring(0, dash);
            String b = p.substring(dash + 1);
            if (a.isEmpty()) {
                long suffix = number(b);
                if (suffix < 0) {
                    return null;
                }
                if (suffix > 0 && length > 0) {
                    spans.add(new Span(Math.max(0, length - suffix), length - 1));
                }
                continue;
            }
            long first = number(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : number(b);
            if (first < 0 || last < 0 || last < first) {
                return null;
            }
            if (first < length) {
                spans.add(new Span(first, Math.min(last, length - 1)));
            }
        }
        if (members == 0) {
            return null;
        }
        spans.sort((x, y) -> Long.compare(x.first(), y.first()));
        List<Span> merged = new ArrayList<>();
        for (Span s : spans) {
            Span prev = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (prev != null && s.first() <= prev.last() + 1) {
                merged.set(merged.size() - 1, new Span(prev.first(), Math.max(prev.last(), s.last())));
            } else {
                merged.add(s);
            }
        }
        return merged;
    }

    /** {@code If-Range} (RFC 9110 13.1.5): absent, or a strong entity tag equal to the stored one, or its date. */
    private static boolean ifRangeHolds(CachedResponse stored, String ifRange) {
        if (ifRange == null) {
            return true;
        }
        String v = ifRange.trim();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            return !v.startsWith("W/") && stored.etag() != null && !stored.etag().startsWith("W/")
                    && stored.etag().equals(v);
        }
        long date = HttpDate.parse(v);
        long lastModified = HttpDate.parse(stored.lastModified());
        return date != HttpDate.INVALID && lastModified != HttpDate.INVALID && date == lastModified;
    }

    /** A non-negative decimal of at most 18 digits, or -1 (also read by {@link PartialContent}). */
    static long number(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
