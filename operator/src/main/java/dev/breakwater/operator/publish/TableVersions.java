package dev.breakwater.operator.publish;

/**
 * Table version numbers that only grow, also across leaders: the high 32 bits are the leader's term (the
 * Lease's {@code spec.leaseTransitions} when it became leader, which every change of holder increments), the
 * low 32 bits count the tables of that term from 1. The first leader of a cluster publishes 1, 2, 3...; the
 * next one {@code 2^32 + 1}, ... So a data plane can always keep the highest version it was sent, whichever
 * leader sent it.
 */
public final class TableVersions {

    private static final int TERM_SHIFT = 32;

    private long term = -1;
    private long sequence;

    /** Starts numbering for {@code term}; a term never goes back. */
    public synchronized void beginTerm(long term) {
        if (term < 0 || term >= 1L << (63 - TERM_SHIFT)) {
            throw new IllegalArgumentException("term: " + term + " (expected: 0 to 2^31-1)");
        }
        if (term < this.term) {
            throw new IllegalArgumentException("term: " + term + " (expected: >= " + this.term + ")");
        }
        if (term > this.term) {
            this.term = term;
            this.sequence = 0;
        }
    }

    /** The next version of the current term. */
    public synchronized long next() {
        if (term < 0) {
            throw new IllegalStateException("no term begun");
        }
        return (term << TERM_SHIFT) | ++sequence;
    }

    /** The term a version was published in. */
    public static long term(long version) {
        return version >>> TERM_SHIFT;
    }

    /** The number of a version within its term, from 1. */
    public static long sequence(long version) {
        return version & 0xFFFF_FFFFL;
    }

    /** {@code 17} in the first term, {@code 3.17} in term 3. */
    public static String describe(long version) {
        return term(version) == 0 ? Long.toString(version) : term(version) + "." + sequence(version);
    }
}
