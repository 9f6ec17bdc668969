package dev.breakwater.dataplane.listen;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The listening sockets a table about to be served adds, bound before the table is taken, so that a port that cannot
 * be bound fails the table while nothing has changed. Then one of two steps: {@link #commit} hands the sockets to
 * their owner as the table is served, {@link #abort} closes them as it is forgotten. The listener ports and the L4
 * listeners take their tables this way.
 */
public final class BindPlan {

    private final Runnable commit;
    private final Runnable abort;

    private BindPlan(Runnable commit, Runnable abort) {
        this.commit = commit;
        this.abort = abort;
    }

    /**
     * Binds a socket for each of {@code wanted} that {@code unbound} picks, all or none: when one fails, those bound
     * before it are closed and the failure is thrown on.
     *
     * @param <K>    what names a socket to its owner (a port, a listener key)
     * @param <B>    a socket bound
     * @param commit takes the sockets bound, by key in the order of {@code wanted}, when the table is served
     */
    public static <T, K, B> BindPlan bind(Collection<T> wanted, Function<? super T, ? extends K> key,
                                          Predicate<? super T> unbound, Function<? super T, ? extends B> bind,
                                          Consumer<? super B> close, Consumer<? super Map<K, B>> commit) {
        Map<K, B> fresh = new LinkedHashMap<>();
        try {
            for (T w : wanted) {
                if (unbound.test(w)) {
                    fresh.put(key.apply(w), bind.apply(w));
                }
            }
        } catch (RuntimeException e) {
            fresh.values().forEach(close);
            throw e;
        }
        Map<K, B> bound = Collections.unmodifiableMap(fresh);
        return new BindPlan(() -> commit.accept(bound), () -> bound.values().forEach(close));
    }

    /** Serves the table: its owner takes the sockets bound (and drops what the table no longer has). */
    public void commit() {
        commit.run();
    }

    /** Forgets the table: closes the sockets it bound. */
    public void abort() {
        abort.run();
    }
}
