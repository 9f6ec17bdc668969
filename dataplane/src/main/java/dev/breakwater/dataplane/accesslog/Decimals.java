package dev.breakwater.dataplane.accesslog;

/** Durations as decimal text, written into a caller's buffer (no {@code double} formatting, nothing allocated). */
final class Decimals {

    private Decimals() {
    }

    /**
     * Writes {@code nanos} (at least 0) as milliseconds rounded to the microsecond, trailing zeros of the fraction
     * left out but one ({@code 35.596}, {@code 12.04}, {@code 0.0}), into {@code out} (24 characters at least).
     *
     * @return the number of characters written
     */
    static int millis(long nanos, char[] out) {
        long micros = (nanos + 500) / 1000;
        int n = integer(micros / 1000, out, 0);
        out[n++] = '.';
        int frac = (int) (micros % 1000);
        out[n++] = (char) ('0' + frac / 100);
        if (frac % 100 != 0) {
            out[n++] = (char) ('0' + frac / 10 % 10);
            if (frac % 10 != 0) {
                out[n++] = (char) ('0' + frac % 10);
            }
        }
        return n;
    }

    /** Appends {@code nanos} (at least 0) as seconds with exactly three decimals ({@code 0.013}), as nginx writes them. */
    static void seconds(long nanos, StringBuilder out) {
        long millis = (nanos + 500_000) / 1_000_000;
        out.append(millis / 1000).append('.');
        int frac = (int) (millis % 1000);
        out.append((char) ('0' + frac / 100)).append((char) ('0' + frac / 10 % 10)).append((char) ('0' + frac % 10));
    }

    private static int integer(long v, char[] out, int at) {
        if (v == 0) {
            out[at] = '0';
            return at + 1;
        }
        int digits = 0;
        for (long t = v; t > 0; t /= 10) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            out[i] = (char) ('0' + v % 10);
            v /= 10;
        }
        return at + digits;
    }
}
