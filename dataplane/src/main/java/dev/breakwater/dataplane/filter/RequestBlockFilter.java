package dev.breakwater.dataplane.filter;

import dev.breakwater.routing.RequestBlocklist;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The table's request blocklist ({@code block-user-agents}, {@code block-referers}): a request whose
 * {@code User-Agent} or {@code Referer} matches an entry is answered {@code 403} before it is routed, as nginx's
 * {@code if ($block_ua) { return 403; }} in every server. Built once per table: exact strings in a set (lower case),
 * regular expressions compiled.
 *
 * <p>A regular expression's match is bounded: one request's matching reads at most {@link #STEP_BUDGET} characters
 * of the headers, counted over every expression and every backtrack; past that the remaining expressions do not match
 * (as nginx, whose map gives its default when PCRE's match limit is reached), so a pattern that backtracks
 * catastrophically costs an event loop a bounded time, never a stall.
 */
public final class RequestBlockFilter implements HttpFilter {

    /** The characters of the headers one request's regular expressions may read in all. */
    public static final int STEP_BUDGET = 200_000;

    private final Matcher userAgents;
    private final Matcher referers;

    private RequestBlockFilter(RequestBlocklist list) {
        this.userAgents = Matcher.of(list.userAgents());
        this.referers = Matcher.of(list.referers());
    }

    /** The filter of {@code list}, or null when it is null or empty (nothing to check). */
    public static RequestBlockFilter of(RequestBlocklist list) {
        return list == null || list.isEmpty() ? null : new RequestBlockFilter(list);
    }

    @Override
    public LocalAnswer onRequest(FilterContext request) {
        Budget budget = new Budget();
        if (userAgents != null && userAgents.matches(request.request().headers().get(HttpHeaderNames.USER_AGENT),
                budget)) {
            return LocalAnswer.denied("user_agent", HttpResponseStatus.FORBIDDEN, "user agent blocked", null);
        }
        if (referers != null && referers.matches(request.request().headers().get(HttpHeaderNames.REFERER), budget)) {
            return LocalAnswer.denied("referer", HttpResponseStatus.FORBIDDEN, "referer blocked", null);
        }
        return null;
    }

    /** The entries of one header. */
    private static final class Matcher {
        private final Set<String> exact;
        private final Pattern[] patterns;

        private Matcher(Set<String> exact, Pattern[] patterns) {
            this.exact = exact;
            this.patterns = patterns;
        }

        static Matcher of(List<RequestBlocklist.Entry> entries) {
            if (entries.isEmpty()) {
                return null;
            }
            Set<String> exact = new HashSet<>();
            List<Pattern> patterns = new ArrayList<>();
            for (RequestBlocklist.Entry e : entries) {
                if (e.kind() == RequestBlocklist.Kind.EXACT) {
                    exact.add(lower(e.value()));
                } else {
                    patterns.add(e.pattern());
                }
            }
            return new Matcher(Set.copyOf(exact), patterns.toArray(Pattern[]::new));
        }

        boolean matches(String value, Budget budget) {
            if (value == null || value.isEmpty()) {
                return false; // nginx's map: an empty value takes the default
            }
            if (!exact.isEmpty() && exact.contains(lower(value))) {
                return true;
            }
            for (Pattern p : patterns) {
                if (budget.left <= 0) {
                    return false;
                }
                try {
                    if (p.matcher(new Counted(value, budget)).find()) {
                        return true;
                    }
                } catch (OverBudget e) {
                    return false;
                }
            }
            return false;
        }
    }

    /** ASCII letters in lower case, as nginx's hash keys (other characters as they are). */
    private static String lower(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                StringBuilder b = new StringBuilder(s.length());
                for (int j = 0; j < s.length(); j++) {
                    char d = s.charAt(j);
                    b.append(d >= 'A' && d <= 'Z' ? (char) (d + ('a' - 'A')) : d);
                }
                return b.toString();
            }
        }
        return s;
    }

    /** What one request's matching may still read. */
    private static final class Budget {
        int left = STEP_BUDGET;
    }

    /** Thrown out of a match that has read its budget; no stack trace (it is control flow). */
    private static final class OverBudget extends RuntimeException {
        private static final OverBudget INSTANCE = new OverBudget();

        private OverBudget() {
            super("regular expression over its budget", null, false, false);
        }
    }

    /** A header's value that counts the characters a regular expression reads of it. */
    private static final class Counted implements CharSequence {
        private final String value;
        private final Budget budget;

        Counted(String value, Budget budget) {
            this.value = value;
            this.budget = budget;
        }

        @Override
        public char charAt(int index) {
            if (--budget.left < 0) {
                throw OverBudget.INSTANCE;
            }
            return value.charAt(index);
        }

        @Override
        public int length() {
            return value.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Counted(value.substring(start, end), budget);
        }

        @Override
        public String toString() {
            return value;
        }
    }

    @Override
    public String toString() {
        return "RequestBlockFilter";
    }
}
