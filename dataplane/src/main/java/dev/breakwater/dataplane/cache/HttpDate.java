package dev.breakwater.dataplane.cache;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * HTTP-dates as RFC 9110 section 5.6.7 defines them, read strictly: the preferred IMF-fixdate
 * ({@code Sun, 06 Nov 1994 08:49:37 GMT}) and the two obsolete forms a recipient must still accept, rfc850-date
 * ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and asctime-date ({@code Sun Nov  6 08:49:37 1994}). Anything else is
 * invalid: another zone than {@code GMT}, a two-digit year or dashes outside rfc850, a one-digit hour, extra or
 * missing spaces, names in another case (the grammar's names are case-sensitive), a day the month does not have.
 * RFC 9111 says an invalid {@code Expires} means already expired; this parser says which values are invalid,
 * unlike Netty's lenient {@code DateFormatter}, which reads most of them as some date.
 */
public final class HttpDate {

    /** What {@link #parse} returns for a value that is not an HTTP-date. */
    public static final long INVALID = Long.MIN_VALUE;

    private static final List<String> DAYS = List.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");
    private static final List<String> LONG_DAYS = List.of("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
            "Saturday", "Sunday");
    private static final List<String> MONTHS = List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
            "Oct", "Nov", "Dec");

    private HttpDate() {
    }

    /** Milliseconds since the epoch, or {@link #INVALID}. */
    public static long parse(String value) {
        return parse(value, System.currentTimeMillis());
    }

    /**
     * Milliseconds since the epoch, or {@link #INVALID}; {@code nowMillis} places an rfc850 two-digit year (one
     * more than 50 years ahead is taken as the most recent past year with those digits, RFC 9110 5.6.7).
     */
    public static long parse(String value, long nowMillis) {
        if (value == null) {
            return INVALID;
        }
        try {
            int comma = value.indexOf(',');
            if (comma == 3) {
                return imfFixdate(value);
            }
            if (comma > 3) {
                return rfc850(value, comma, nowMillis);
            }
            return asctime(value);
        } catch (DateTimeException | IndexOutOfBoundsException e) {
            return INVALID;
        }
    }

    /** The single value of a field that must appear once: {@link #INVALID} when absent, repeated or not a date. */
    public static long parseSingle(List<String> values) {
        return values == null || values.size() != 1 ? INVALID : parse(values.get(0));
    }

    // "Sun, 06 Nov 1994 08:49:37 GMT": 29 characters exactly
    private static long imfFixdate(String s) {
        if (s.length() != 29 || !DAYS.contains(s.substring(0, 3)) || s.charAt(4) != ' ' || s.charAt(7) != ' '
                || s.charAt(11) != ' ' || s.charAt(16) != ' ' || !s.endsWith(" GMT")) {
            return INVALID;
        }
        int day = digits(s, 5, 2);
        int month = month(s, 8);
        int year = digits(s, 12, 4);
        return at(year, month, day, s, 17);
    }

    // "Sunday, 06-Nov-94 08:49:37 GMT"
    private static long rfc850(String s, int comma, long nowMillis) {
        if (!LONG_DAYS.contains(s.substring(0, comma))) {
            return INVALID;
        }
        int i = comma + 1;
        if (s.length() != i + 23 || s.charAt(i) != ' ' || s.charAt(i + 3) != '-' || s.charAt(i + 7) != '-'
                || s.charAt(i + 10) != ' ' || !s.endsWith(" GMT")) {
            return INVALID;
        }
        int day = digits(s, i + 1, 2);
        int month = month(s, i + 4);
        int yy = digits(s, i + 8, 2);
        if (day < 0 || month < 0 || yy < 0) {
            return INVALID;
        }
        int thisYear = LocalDateTime.ofEpochSecond(Math.floorDiv(nowMillis, 1000), 0, ZoneOffset.UTC).getYear();
        int year = thisYear - Math.floorMod(thisYear, 100) + yy;
        if (year > thisYear + 50) {
            year -= 100;
        }
        return at(year, month, day, s, i + 11);
    }

    // "Sun Nov  6 08:49:37 1994": 24 characters, the day padded with a space
    private static long asctime(String s) {
        if (s.length() != 24 || !DAYS.contains(s.substring(0, 3)) || s.charAt(3) != ' ' || s.charAt(7) != ' '
                || s.charAt(10) != ' ' || s.charAt(19) != ' ') {
            return INVALID;
        }
        int month = month(s, 4);
        int day = s.charAt(8) == ' ' ? digits(s, 9, 1) : digits(s, 8, 2);
        int year = digits(s, 20, 4);
        return at(year, month, day, s, 11);
    }

    /** {@code HH:MM:SS} at {@code i}, then the date as epoch milliseconds. */
    private static long at(int year, int month, int day, String s, int i) {
        if (s.charAt(i + 2) != ':' || s.charAt(i + 5) != ':') {
            return INVALID;
        }
        int hour = digits(s, i, 2);
        int minute = digits(s, i + 3, 2);
        int second = digits(s, i + 6, 2);
        if (year < 0 || month < 0 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 60) {
            return INVALID;
        }
        // a leap second (60) is read as the last second of its minute
        return LocalDateTime.of(year, month, day, hour, minute, Math.min(second, 59)).toEpochSecond(ZoneOffset.UTC)
                * 1000;
    }

    private static int month(String s, int i) {
        int m = MONTHS.indexOf(s.substring(i, i + 3));
        return m < 0 ? -1 : m + 1;
    }

    /** {@code n} ASCII digits at {@code i} as a number, or -1. */
    private static int digits(String s, int i, int n) {
        int v = 0;
        for (int k = i; k < i + n; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
