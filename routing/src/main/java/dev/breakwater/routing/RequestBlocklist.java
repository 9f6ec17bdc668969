package dev.breakwater.routing;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The requests every data plane refuses with {@code 403} by their {@code User-Agent} or {@code Referer}
 * (ingress-nginx's {@code block-user-agents} and {@code block-referers}: nginx's {@code map} of
 * {@code $http_user_agent} and {@code $http_referer}, tested in every server before its locations). A request refused
 * is one whose header matches an entry of its list; a request without the header, or with it empty, never is (nginx's
 * map gives its default to an empty value).
 *
 * <p>Bounded so that a table cannot make a data plane slow: at most {@value #MAX_ENTRIES} entries per list, each at
 * most {@value #MAX_VALUE_LENGTH} characters; a regular expression must compile here, so a table that holds one that
 * does not is refused as a whole.
 *
 * @param userAgents the entries the {@code User-Agent} is compared with, in order (empty: none)
 * @param referers   the entries the {@code Referer} is compared with, in order (empty: none)
 */
public record RequestBlocklist(List<Entry> userAgents, List<Entry> referers) {

    /** The most entries of one list. */
    public static final int MAX_ENTRIES = 256;

    /** The longest value of an entry, in characters. */
    public static final int MAX_VALUE_LENGTH = 1024;

    public RequestBlocklist {
        userAgents = checked("userAgents", userAgents);
        referers = checked("referers", referers);
    }

    private static List<Entry> checked(String name, List<Entry> entries) {
        List<Entry> copy = entries == null ? List.of() : List.copyOf(entries);
        if (copy.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException(name + ": " + copy.size() + " entries (expected: at most "
                    + MAX_ENTRIES + ")");
        }
        return copy;
    }

    /** True when neither list has an entry. */
    @JsonIgnore
    public boolean isEmpty() {
        return userAgents.isEmpty() && referers.isEmpty();
    }

    /** How an entry compares a header's value. */
    public enum Kind {
        /** Equal, ignoring the case of ASCII letters (nginx's map compares its strings so). */
        EXACT,
        /** A Java regular expression found anywhere in the value, case-sensitively (nginx's {@code ~}). */
        REGEX,
        /** A Java regular expression found anywhere in the value, ignoring case (nginx's {@code ~*}). */
        REGEX_IGNORE_CASE
    }

    /**
     * One entry of a list.
     *
     * @param kind  how {@code value} is compared
     * @param value the string, or the regular expression (without nginx's {@code ~} or {@code ~*})
     */
    public record Entry(Kind kind, String value) {

        public Entry {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(value, "value");
            if (value.isEmpty()) {
                throw new IllegalArgumentException("value: empty (expected: a string or a regular expression)");
            }
            if (value.length() > MAX_VALUE_LENGTH) {
                throw new IllegalArgumentException("value: " + value.length() + " characters (expected: at most "
                        + MAX_VALUE_LENGTH + ")");
            }
            if (kind != Kind.EXACT) {
                compile(kind, value);
            }
        }

        /**
         * The entry an nginx map's source value gives: {@code ~*} then a regular expression ignoring case, {@code ~}
         * then a case-sensitive one, else an exact string ({@code \~x} is the exact string {@code ~x}).
         *
         * @throws IllegalArgumentException when it is empty, too long or a regular expression that does not compile
         *                                  (the message says which)
         */
        public static Entry parse(String nginx) {
            String s = Objects.requireNonNull(nginx, "nginx").trim();
            if (s.startsWith("~*")) {
                return new Entry(Kind.REGEX_IGNORE_CASE, s.substring(2));
            }
            if (s.startsWith("~")) {
                return new Entry(Kind.REGEX, s.substring(1));
            }
            return new Entry(Kind.EXACT, s.startsWith("\\~") ? s.substring(1) : s);
        }

        /** The regular expression of a {@code REGEX} or {@code REGEX_IGNORE_CASE} entry, compiled. */
        @JsonIgnore
        public Pattern pattern() {
            if (kind == Kind.EXACT) {
                throw new IllegalStateException("an EXACT entry has no pattern");
            }
            return compile(kind, value);
        }

        private static Pattern compile(Kind kind, String regex) {
            try {
                return Pattern.compile(regex, kind == Kind.REGEX_IGNORE_CASE
                        ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("\"" + regex + "\" is not a regular expression: "
                        + e.getDescription() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""), e);
            }
        }
    }
}
