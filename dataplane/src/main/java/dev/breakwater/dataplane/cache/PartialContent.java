package dev.breakwater.dataplane.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a representation a cache holds from 206 responses (RFC 9111 3.3 and 3.4): the complete length and
 * the byte spans received, sorted, merged where they overlap or touch. Immutable: combining makes a new one.
 */
public final class PartialContent {

    /** One {@code Content-Range} of a single-part 206: {@code bytes first-last/length}. */
    public record Range(long first, long last, long length) {
        public long size() {
            return last - first + 1;
        }
    }

    /** A span of the representation held: its first byte's offset and the bytes. */
    private record Segment(long first, byte[] bytes) {
        long last() {
            return first + bytes.length - 1;
        }
    }

    private final long length;
    private final List<Segment> segments;
    private final long held;

    private PartialContent(long length, List<Segment> segments) {
        this.length = length;
        this.segments = List.copyOf(segments);
        long n = 0;
        for (Segment s : segments) {
            n += s.bytes().length;
        }
        this.held = n;
    }

    /** The parts of one 206 response: {@code bytes} is its body, as long as its {@code Content-Range} says. */
    public static PartialContent of(Range range, byte[] bytes) {
        if (bytes.length != range.size()) {
            throw new IllegalArgumentException("body of " + bytes.length + " bytes for " + range);
        }
        return new PartialContent(range.length(), List.of(new Segment(range.first(), bytes)));
    }

    /**
     * The {@code Content-Range} of a single-part 206 when it is one valid {@code bytes first-last/length} with a
     * known complete length and {@code first <= last < length}; else null (a multipart 206, an unknown length,
     * several fields, another unit: such a response is not stored).
     */
    public static Range contentRange(HttpHeaders headers) {
        List<String> all = headers.getAll(HttpHeaderNames.CONTENT_RANGE);
        if (all.size() != 1) {
            return null;
        }
        String v = all.get(0).trim();
        if (!v.regionMatches(true, 0, "bytes ", 0, 6)) {
            return null;
        }
        v = v.substring(6).trim();
        int dash = v.indexOf('-');
        int slash = v.indexOf('/');
        if (dash <= 0 || slash < dash) {
            return null;
        }
        long first = ByteRanges.number(v.substring(0, dash));
        long last = ByteRanges.number(v.substring(dash + 1, slash));
        long length = ByteRanges.number(v.substring(slash + 1));
        if (first < 0 || last < first || length <= last) {
            return null;
        }
        return new Range(first, last, length);
    }

    /**
     * These parts combined with a newer response's (the caller has checked that both carry the same strong
     * validator, RFC 9111 3.4): the union of the spans; where they overlap, the newer bytes.
     */
    public PartialContent combine(Range range, byte[] bytes) {
        if (range.length() != length) {
            return of(range, bytes); // another complete length: another representation, the newer one wins
        }
        long first = range.first();
        long last = range.last();
        List<Segment> all = new ArrayList<>(segments.size() + 1);
        List<Segment> touching = new ArrayList<>(2);
        for (Segment s : segments) {
            if (s.last() + 1 < range.first() || s.first() > range.last() + 1) {
                all.add(s); // apart from the new span (stored spans are apart from each other already)
            } else {
                touching.add(s);
                first = Math.min(first, s.first());
                last = Math.max(last, s.last());
            }
        }
        byte[] merged = new byte[(int) (last - first + 1)];
        for (Segment s : touching) {
            System.arraycopy(s.bytes(), 0, merged, (int) (s.first() - first), s.bytes().length);
        }
        System.arraycopy(bytes, 0, merged, (int) (range.first() - first), bytes.length); // the newer bytes over them
        all.add(new Segment(first, merged));
        all.sort((a, b) -> Long.compare(a.first(), b.first()));
        return new PartialContent(length, all);
    }

    /** The complete length of the representation. */
    public long length() {
        return length;
    }

    /** Bytes held. */
    public long held() {
        return held;
    }

    /** True when every byte of the representation is held. */
    public boolean complete() {
        return segments.size() == 1 && segments.get(0).first() == 0 && held == length;
    }

    /** The whole representation, once {@link #complete()}. */
    public byte[] whole() {
        if (!complete()) {
            throw new IllegalStateException("incomplete: " + held + " of " + length + " bytes");
        }
        return segments.get(0).bytes();
    }

    /** True when the bytes {@code first..last} are held (in one span, spans being merged). */
    public boolean holds(long first, long last) {
        return segment(first, last) != null;
    }

    /** The bytes {@code first..last}, which must be held; shares the stored array. */
    public ByteBuf slice(long first, long last) {
        Segment s = segment(first, last);
        if (s == null) {
            throw new IllegalArgumentException("not held: " + first + "-" + last);
        }
        return Unpooled.wrappedBuffer(s.bytes(), (int) (first - s.first()), (int) (last - first + 1));
    }

    private Segment segment(long first, long last) {
        for (Segment s : segments) {
            if (s.first() <= first && last <= s.last()) {
                return s;
            }
        }
        return null;
    }
}
