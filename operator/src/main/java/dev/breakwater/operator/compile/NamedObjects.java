package dev.breakwater.operator.compile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * The objects of one kind by name, brought from one snapshot's list to the next in place ({@link SnapshotIndex}):
 * an object that is the very instance it was (an informer's cache, local mode's unchanged files) costs a lookup by
 * identity; only the others are named and compared with what had their name.
 *
 * @param <T> the kind
 */
final class NamedObjects<T> {

    /**
     * Told about each instance that came, replaced another (whether or not their content differs) or left.
     */
    interface Listener<T> {
        /**
         * @param before the instance that had the name, or null
         * @param after  the instance that has it now, or null
         * @param same   true when both are there and the same ({@code same} of the constructor)
         */
        void replaced(String name, T before, T after, boolean same);
    }

    private static final class Entry<T> {
        final String name;
        T object;
        long generation;

        Entry(String name, T object, long generation) {
            this.name = name;
            this.object = object;
            this.generation = generation;
        }
    }

    private final Function<T, String> naming;
    private final BiPredicate<T, T> same;
    private final Map<String, Entry<T>> byName = new HashMap<>();
    private final Map<T, Entry<T>> byInstance = new IdentityHashMap<>();
    private final Map<String, T> view = new HashMap<>();
    private long generation;

    /**
     * @param naming the name of an object, or null for one that is not indexed (no name)
     * @param same   whether two versions of an object are the same
     */
    NamedObjects(Function<T, String> naming, BiPredicate<T, T> same) {
        this.naming = naming;
        this.same = same;
    }

    /**
     * Makes {@code objects} the indexed ones, adding the names of those that came, changed or left to
     * {@code changed} and telling {@code listener} (may be null).
     *
     * @return false when two objects of {@code objects} have one name (then the index is left half updated and must
     *         not be used again)
     */
    boolean update(List<? extends T> objects, Set<String> changed, Listener<T> listener) {
        long now = ++generation;
        int kept = 0;
        List<T> fresh = null;
        for (T o : objects) {
            Entry<T> e = byInstance.get(o);
            if (e == null) {
                if (fresh == null) {
                    fresh = new ArrayList<>();
                }
                fresh.add(o);
            } else if (e.generation == now) {
                return false;
            } else {
                e.generation = now;
                kept++;
            }
        }
        if (fresh == null && kept == byName.size()) {
            return true;
        }
        int added = 0;
        for (T o : fresh == null ? List.<T>of() : fresh) {
            String name = naming.apply(o);
            if (name == null) {
                continue;
            }
            Entry<T> e = byName.get(name);
            if (e == null) {
                e = new Entry<>(name, o, now);
                byName.put(name, e);
                byInstance.put(o, e);
                view.put(name, o);
                changed.add(name);
                added++;
                if (listener != null) {
                    listener.replaced(name, null, o, false);
                }
            } else if (e.generation == now) {
                return false;
            } else {
                T before = e.object;
                byInstance.remove(before);
                e.object = o;
                e.generation = now;
                byInstance.put(o, e);
                view.put(name, o);
                kept++;
                boolean unchanged = same.test(before, o);
                if (!unchanged) {
                    changed.add(name);
                }
                if (listener != null) {
                    listener.replaced(name, before, o, unchanged);
                }
            }
        }
        if (byName.size() > kept + added) {
            for (Iterator<Entry<T>> i = byName.values().iterator(); i.hasNext(); ) {
                Entry<T> e = i.next();
                if (e.generation != now) {
                    i.remove();
                    byInstance.remove(e.object);
                    view.remove(e.name);
                    changed.add(e.name);
                    if (listener != null) {
                        listener.replaced(e.name, e.object, null, false);
                    }
                }
            }
        }
        return true;
    }

    /** The objects by name (read only; changes with the next {@link #update}). */
    Map<String, T> byName() {
        return java.util.Collections.unmodifiableMap(view);
    }

    int size() {
        return byName.size();
    }
}
