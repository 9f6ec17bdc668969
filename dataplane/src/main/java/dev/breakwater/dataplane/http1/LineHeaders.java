package dev.breakwater.dataplane.http1;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.CharsetUtil;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The headers of a head as they arrived ({@link HeaderLines}, read in place) with the edits made since: lines
 * removed, and headers added or set, kept apart in order. Seen as Netty's {@link HttpHeaders}, it is the arrived
 * lines not removed, in their order, then the added ones; {@link #writeTo} writes exactly that, the arrived lines
 * as the bytes they were (name case, spacing, duplicates and order kept) and the added ones encoded.
 *
 * <p>A set is a removal of every line of that name and an add, as in Netty's own headers (the header moves to the
 * end). Not thread-safe: a head belongs to one exchange on one event loop. It holds no buffer, only a byte array
 * of the head's own, so there is nothing to release.
 */
public final class LineHeaders extends HttpHeaders {

    private final HeaderLines lines;
    /** Which arrived lines are removed; null while none is. */
    private boolean[] removed;
    private int kept;
    /** Headers added or set since; null while there are none. */
    private HttpHeaders added;

    public LineHeaders(HeaderLines lines) {
        this.lines = lines;
        this.kept = lines.size();
    }

    private HttpHeaders added() {
        if (added == null) {
            added = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        }
        return added;
    }

    private boolean live(int i) {
        return removed == null || !removed[i];
    }

    private void removeLines(CharSequence name) {
        for (int i = 0; i < lines.size(); i++) {
            if (live(i) && lines.nameIs(i, name)) {
                if (removed == null) {
                    removed = new boolean[lines.size()];
                }
                removed[i] = true;
                kept--;
            }
        }
    }

    /**
     * Writes the headers as an HTTP/1.1 head carries them: the arrived lines not removed, byte for byte (runs of
     * lines copied at once), then each added header as {@code name: value CRLF}. The empty line is not written.
     */
    public void writeTo(ByteBuf out) {
        byte[] bytes = lines.bytes();
        int n = lines.size();
        int i = 0;
        while (i < n) {
            while (i < n && !live(i)) {
                i++;
            }
            int from = i;
            while (i < n && live(i)) {
                i++;
            }
            if (i > from) {
                int start = lines.lineStart(from);
                out.writeBytes(bytes, start, lines.lineStart(i) - start);
            }
        }
        if (added != null) {
            for (Iterator<Map.Entry<CharSequence, CharSequence>> it = added.iteratorCharSequence(); it.hasNext(); ) {
                Map.Entry<CharSequence, CharSequence> e = it.next();
                out.writeCharSequence(e.getKey(), CharsetUtil.US_ASCII);
                out.writeByte(':').writeByte(' ');
                out.writeCharSequence(e.getValue(), CharsetUtil.US_ASCII);
                out.writeByte('\r').writeByte('\n');
            }
        }
    }

    // ---------------------------------------------------------------- reads

    @Override
    public String get(String name) {
        return get((CharSequence) name);
    }

    @Override
    public String get(CharSequence name) {
        for (int i = 0; i < lines.size(); i++) {
            if (live(i) && lines.nameIs(i, name)) {
                return lines.valueString(i);
            }
        }
        return added == null ? null : added.get(name);
    }

    @Override
    public Integer getInt(CharSequence name) {
        String v = get(name);
        if (v == null) {
            return null;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public int getInt(CharSequence name, int defaultValue) {
        Integer v = getInt(name);
        return v == null ? defaultValue : v;
    }

    @Override
    public Short getShort(CharSequence name) {
        String v = get(name);
        if (v == null) {
            return null;
        }
        try {
            return Short.parseShort(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public short getShort(CharSequence name, short defaultValue) {
        Short v = getShort(name);
        return v == null ? defaultValue : v;
    }

    @Override
    public Long getTimeMillis(CharSequence name) {
        String v = get(name);
        Date d = v == null ? null : DateFormatter.parseHttpDate(v);
        return d == null ? null : d.getTime();
    }

    @Override
    public long getTimeMillis(CharSequence name, long defaultValue) {
        Long v = getTimeMillis(name);
        return v == null ? defaultValue : v;
    }

    @Override
    public List<String> getAll(String name) {
        return getAll((CharSequence) name);
    }

    @Override
    public List<String> getAll(CharSequence name) {
        List<String> values = new ArrayList<>(2);
        for (int i = 0; i < lines.size(); i++) {
            if (live(i) && lines.nameIs(i, name)) {
                values.add(lines.valueString(i));
            }
        }
        if (added != null) {
            values.addAll(added.getAll(name));
        }
        return values;
    }

    @Override
    public boolean contains(String name) {
        return contains((CharSequence) name);
    }

    @Override
    public boolean contains(CharSequence name) {
        for (int i = 0; i < lines.size(); i++) {
            if (live(i) && lines.nameIs(i, name)) {
                return true;
            }
        }
        return added != null && added.contains(name);
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public int size() {
        return kept + (added == null ? 0 : added.size());
    }

    @Override
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            if (live(i)) {
                names.add(lines.nameString(i));
            }
        }
        if (added != null) {
            names.addAll(added.names());
        }
        return names;
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        List<Map.Entry<String, String>> all = new ArrayList<>(size());
        iterator().forEachRemaining(all::add);
        return all;
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return new Entries<>(i -> new AbstractMap.SimpleImmutableEntry<>(lines.nameString(i), lines.valueString(i)),
                added == null ? null : added.iterator());
    }

    @Override
    public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
        return new Entries<>(i -> new AbstractMap.SimpleImmutableEntry<>(lines.name(i), lines.value(i)),
                added == null ? null : added.iteratorCharSequence());
    }

    /** The live arrived lines as entries, then the added ones. */
    private final class Entries<K, V> implements Iterator<Map.Entry<K, V>> {
        private final IntFunction<Map.Entry<K, V>> line;
        private final Iterator<Map.Entry<K, V>> more;
        private int next;

        Entries(IntFunction<Map.Entry<K, V>> line, Iterator<Map.Entry<K, V>> more) {
            this.line = line;
            this.more = more;
            skip();
        }

        private void skip() {
            while (next < lines.size() && !live(next)) {
                next++;
            }
        }

        @Override
        public boolean hasNext() {
            return next < lines.size() || more != null && more.hasNext();
        }

        @Override
        public Map.Entry<K, V> next() {
            if (next < lines.size()) {
                Map.Entry<K, V> e = line.apply(next++);
                skip();
                return e;
            }
            if (more == null) {
                throw new NoSuchElementException();
            }
            return more.next();
        }
    }

    // ---------------------------------------------------------------- edits

    @Override
    public HttpHeaders add(String name, Object value) {
        added().add(name, value);
        return this;
    }

    @Override
    public HttpHeaders add(CharSequence name, Object value) {
        added().add(name, value);
        return this;
    }

    @Override
    public HttpHeaders add(String name, Iterable<?> values) {
        added().add(name, values);
        return this;
    }

    @Override
    public HttpHeaders addInt(CharSequence name, int value) {
        added().addInt(name, value);
        return this;
    }

    @Override
    public HttpHeaders addShort(CharSequence name, short value) {
        added().addShort(name, value);
        return this;
    }

    @Override
    public HttpHeaders set(String name, Object value) {
        return set((CharSequence) name, value);
    }

    @Override
    public HttpHeaders set(CharSequence name, Object value) {
        HttpHeaders a = added(); // first, so that a name Netty refuses leaves the lines as they were
        a.set(name, value);
        removeLines(name);
        return this;
    }

    @Override
    public HttpHeaders set(String name, Iterable<?> values) {
        added().set(name, values);
        removeLines(name);
        return this;
    }

    @Override
    public HttpHeaders setInt(CharSequence name, int value) {
        added().setInt(name, value);
        removeLines(name);
        return this;
    }

    @Override
    public HttpHeaders setShort(CharSequence name, short value) {
        added().setShort(name, value);
        removeLines(name);
        return this;
    }

    @Override
    public HttpHeaders remove(String name) {
        return remove((CharSequence) name);
    }

    @Override
    public HttpHeaders remove(CharSequence name) {
        removeLines(name);
        if (added != null) {
            added.remove(name);
        }
        return this;
    }

    @Override
    public HttpHeaders clear() {
        for (int i = 0; i < lines.size(); i++) {
            if (live(i)) {
                if (removed == null) {
                    removed = new boolean[lines.size()];
                }
                removed[i] = true;
            }
        }
        kept = 0;
        if (added != null) {
            added.clear();
        }
        return this;
    }
}
