package dev.breakwater.dataplane.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code Accept-Language} (RFC 9110 12.5.4) in one canonical form, for choosing a stored variant: the language
 * ranges in lower case (they are case-insensitive), most preferred first (by q, then by their order), without
 * those of q=0 (not acceptable) and without repeats, each with its q when below 1. A member that is not a
 * language range with a valid weight is kept as written, so that nothing unreadable is taken for another value.
 */
final class LanguageRanges {

    private record Range(String tag, int thousandths, int order) {
    }

    private LanguageRanges() {
    }

    static String normalise(List<String> values) {
        List<Range> ranges = new ArrayList<>();
        int order = 0;
        for (String value : values) {
            for (String member : value.split(",")) {
                String m = member.trim();
                if (m.isEmpty()) {
                    continue;
                }
                int semi = m.indexOf(';');
                String tag = (semi < 0 ? m : m.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
                int q = semi < 0 ? 1000 : weight(m.substring(semi + 1).trim());
                if (q < 0 || !tag.matches("\\*|[a-z]{1,8}(-[a-z0-9]{1,8})*")) {
                    ranges.add(new Range(m, 1000, order++)); // not a language range: kept as it is
                    continue;
                }
                if (q == 0 || ranges.stream().anyMatch(r -> r.tag().equals(tag))) {
                    continue;
                }
                ranges.add(new Range(tag, q, order++));
            }
        }
        ranges.sort((a, b) -> a.thousandths() != b.thousandths() ? Integer.compare(b.thousandths(), a.thousandths())
                : Integer.compare(a.order(), b.order()));
        StringBuilder out = new StringBuilder();
        for (Range r : ranges) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(r.tag());
            if (r.thousandths() < 1000) {
                out.append(";q=0.").append(String.format(Locale.ROOT, "%03d", r.thousandths()).replaceAll("0+$", ""));
            }
        }
        return out.toString();
    }

    /** {@code q=0.5} as 500; -1 when it is not a weight of RFC 9110 12.4.2. */
    private static int weight(String parameter) {
        if (!parameter.startsWith("q=") && !parameter.startsWith("Q=")) {
            return -1;
        }
        String v = parameter.substring(2);
        if (!v.matches("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?")) {
            return -1;
        }
        if (v.startsWith("1")) {
            return 1000;
        }
        String frac = v.length() > 2 ? v.substring(2) : "";
        return frac.isEmpty() ? 0 : Integer.parseInt((frac + "00").substring(0, 3));
    }
}
