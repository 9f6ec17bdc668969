package dev.breakwater.dataplane.persistent;

import java.util.AbstractCollection;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An immutable map that changes by making a new one ({@link #edit()}) sharing every shard the change does not touch:
 * its entries are spread over about the square root of its size of shards (each an immutable JDK map), so changing
 * one entry of 10,000 copies one shard of about a hundred and the array of shards, not the map. What a table swap
 * builds from the table before it ({@code Router}, {@code EndpointBook}) is kept in these, so that a swap costs in
 * proportion to what changed; {@link #forEachDifference} finds what changed by looking only at the shards that
 * differ. Immutable once made, so any thread reads it without locks once it is safely published.
 *
 * @param <K> keys (non-null, with a good {@code hashCode})
 * @param <V> values (non-null)
 */
public final class ShardedMap<K, V> {

    private static final Map<?, ?>[] ONE_EMPTY_SHARD = {Map.of()};
    private static final ShardedMap<?, ?> EMPTY = new ShardedMap<>(ONE_EMPTY_SHARD, 0);
    /** The most shards a map has (beyond 16 million entries shards just grow). */
    private static final int MAX_SHARDS = 1 << 12;

    /** Power-of-two length; never null elements. */
    private final Map<K, V>[] shards;
    private final int shift;
    private final int size;

    @SuppressWarnings("unchecked")
    private ShardedMap(Map<?, ?>[] shards, int size) {
        this.shards = (Map<K, V>[]) shards;
        this.shift = 32 - Integer.numberOfTrailingZeros(shards.length);
        this.size = size;
    }

    /** The empty map. */
    @SuppressWarnings("unchecked")
    public static <K, V> ShardedMap<K, V> empty() {
        return (ShardedMap<K, V>) EMPTY;
    }

    /** The index of a key's shard among {@code 2^(32 - shift)}: the top bits of a Fibonacci hash, unlike a JDK map's. */
    private static int index(Object key, int shift) {
        int h = key.hashCode() * 0x9E3779B9;
        return shift == 32 ? 0 : h >>> shift;
    }

    public V get(Object key) {
        return shards[index(key, shift)].get(key);
    }

    public boolean containsKey(Object key) {
        return shards[index(key, shift)].containsKey(key);
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public void forEach(BiConsumer<? super K, ? super V> action) {
        for (Map<K, V> shard : shards) {
            shard.forEach(action);
        }
    }

    /** The keys, as a read-only view (its {@code contains} is a lookup). */
    public Set<K> keySet() {
        return new AbstractSet<>() {
            @Override
            public boolean contains(Object o) {
                return o != null && containsKey(o);
            }

            @Override
            public Iterator<K> iterator() {
                return new Entries<K>() {
                    @Override
                    K of(Map.Entry<K, V> e) {
                        return e.getKey();
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** This map as a read-only {@link Map} (its {@code get} is this map's). */
    public Map<K, V> asMap() {
        return new java.util.AbstractMap<>() {
            @Override
            public V get(Object key) {
                return key == null ? null : ShardedMap.this.get(key);
            }

            @Override
            public boolean containsKey(Object key) {
                return key != null && ShardedMap.this.containsKey(key);
            }

            @Override
            public int size() {
                return size;
            }

            @Override
            public Set<Map.Entry<K, V>> entrySet() {
                return new AbstractSet<>() {
                    @Override
                    public Iterator<Map.Entry<K, V>> iterator() {
                        return new Entries<Map.Entry<K, V>>() {
                            @Override
                            Map.Entry<K, V> of(Map.Entry<K, V> e) {
                                return e;
                            }
                        };
                    }

                    @Override
                    public int size() {
                        return size;
                    }
                };
            }
        };
    }

    /** The values, as a read-only view, in no particular order. */
    public Collection<V> values() {
        return new AbstractCollection<>() {
            @Override
            public Iterator<V> iterator() {
                return new Entries<V>() {
                    @Override
                    V of(Map.Entry<K, V> e) {
                        return e.getValue();
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** Walks the entries shard by shard. */
    private abstract class Entries<T> implements Iterator<T> {
        private int next;
        private Iterator<Map.Entry<K, V>> current = java.util.Collections.emptyIterator();

        abstract T of(Map.Entry<K, V> e);

        @Override
        public boolean hasNext() {
            while (!current.hasNext()) {
                if (next == shards.length) {
                    return false;
                }
                current = shards[next++].entrySet().iterator();
            }
            return true;
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return of(current.next());
        }
    }

    /** What {@link #forEachDifference} reports: a key with its value before and after, either null when absent. */
    @FunctionalInterface
    public interface Difference<K, V> {
        void changed(K key, V before, V after);
    }

    /**
     * Reports every key whose value is not the very same object in {@code before} and in this map (added, removed or
     * replaced). When this map was made from {@code before} by edits, only the shards the edits copied are looked at.
     */
    public void forEachDifference(ShardedMap<K, V> before, Difference<K, V> report) {
        Objects.requireNonNull(before, "before");
        if (before == this) {
            return;
        }
        if (before.shards.length != shards.length) {
            compare(before.shards, shards, report);
            return;
        }
        for (int i = 0; i < shards.length; i++) {
            if (before.shards[i] != shards[i]) {
                compare(new Map[]{before.shards[i]}, new Map[]{shards[i]}, report);
            }
        }
    }

    private static <K, V> void compare(Map<K, V>[] was, Map<K, V>[] is, Difference<K, V> report) {
        Map<K, V> old = new HashMap<>();
        for (Map<K, V> shard : was) {
            old.putAll(shard);
        }
        for (Map<K, V> shard : is) {
            for (Map.Entry<K, V> e : shard.entrySet()) {
                V previous = old.remove(e.getKey());
                if (previous != e.getValue()) {
                    report.changed(e.getKey(), previous, e.getValue());
                }
            }
        }
        old.forEach((k, v) -> report.changed(k, v, null));
    }

    /** Starts a change; the map itself stays as it is. */
    public Editor<K, V> edit() {
        return new Editor<>(this);
    }

    /**
     * The changes of one new map: each shard touched is copied once (as a mutable map, made immutable again by
     * {@link #done()}); the others are shared with the map edited. One thread, used once.
     */
    public static final class Editor<K, V> {
        private final ShardedMap<K, V> base;
        private final Map<K, V>[] shards;
        private final boolean[] copied;
        private int size;
        private boolean done;

        private Editor(ShardedMap<K, V> base) {
            this.base = base;
            this.shards = base.shards.clone();
            this.copied = new boolean[shards.length];
            this.size = base.size;
        }

        private Map<K, V> writable(Object key) {
            if (done) {
                throw new IllegalStateException("edit already done");
            }
            int i = index(key, base.shift);
            if (!copied[i]) {
                shards[i] = new HashMap<>(shards[i]);
                copied[i] = true;
            }
            return shards[i];
        }

        public V get(Object key) {
            return shards[index(key, base.shift)].get(key);
        }

        /** Puts {@code value} under {@code key}; returns the value it replaces, or null. */
        public V put(K key, V value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            V old = writable(key).put(key, value);
            if (old == null) {
                size++;
            }
            return old;
        }

        /** Removes {@code key}; returns the value it had, or null. */
        public V remove(Object key) {
            if (shards[index(key, base.shift)].containsKey(key)) {
                V old = writable(key).remove(key);
                size--;
                return old;
            }
            return null;
        }

        public int size() {
            return size;
        }

        /** The new map (the base itself when nothing changed). */
        @SuppressWarnings("unchecked")
        public ShardedMap<K, V> done() {
            if (done) {
                throw new IllegalStateException("edit already done");
            }
            done = true;
            int want = shardsFor(size);
            int have = shards.length;
            if (want > have * 2 || want * 2 < have && have > 1) {
                // grown or shrunk past the square root rule: spread again (rare, in proportion to the size)
                Map<K, V>[] spread = new Map[want];
                int shift = 32 - Integer.numberOfTrailingZeros(want);
                for (int i = 0; i < want; i++) {
                    spread[i] = new HashMap<>();
                }
                for (Map<K, V> shard : shards) {
                    shard.forEach((k, v) -> spread[index(k, shift)].put(k, v));
                }
                for (int i = 0; i < want; i++) {
                    spread[i] = Map.copyOf(spread[i]);
                }
                return size == 0 ? empty() : new ShardedMap<>(spread, size);
            }
            boolean any = false;
            for (int i = 0; i < have; i++) {
                if (copied[i]) {
                    shards[i] = Map.copyOf(shards[i]);
                    any = true;
                }
            }
            if (!any) {
                return base;
            }
            return size == 0 ? empty() : new ShardedMap<>(shards, size);
        }
    }

    /** A power of two near the square root of {@code size}. */
    static int shardsFor(int size) {
        int root = (int) Math.sqrt(size);
        int n = Integer.highestOneBit(Math.max(1, root));
        return Math.min(n, MAX_SHARDS);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append('=').append(v));
        return b.append("} in ").append(shards.length).append(" shards").toString();
    }

    /** The number of shards (tests). */
    int shardCount() {
        return shards.length;
    }
}
