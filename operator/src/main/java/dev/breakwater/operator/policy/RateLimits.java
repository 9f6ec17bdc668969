package dev.breakwater.operator.policy;

import dev.breakwater.routing.Cidr;
import dev.breakwater.routing.RateLimit;
import java.util.ArrayList;
import java.util.List;

/**
 * Rate limits, checked the same way whether Ingress annotations or a Route's {@code rateLimit} give them: the
 * counts and periods a limit may have, and the address ranges exempt from it.
 */
public final class RateLimits {

    private RateLimits() {
    }

    /** True when {@code n} requests (or a burst of {@code n}) can be a limit's: 1 to {@link RateLimit#MAX_COUNT}. */
    public static boolean isCount(long n) {
        return n >= 1 && n <= RateLimit.MAX_COUNT;
    }

    /** True when {@code millis} can be a limit's period: 1 ms to {@link RateLimit#MAX_PER_MILLIS} (366 days). */
    public static boolean isPeriod(long millis) {
        return millis >= 1 && millis <= RateLimit.MAX_PER_MILLIS;
    }

    /**
     * The entries of {@code entries} (addresses and CIDR ranges, trimmed) that can be used, in order; each other one
     * is reported with its place in the list and the reason, and left out (its clients are limited).
     */
    public static List<String> exempt(List<String> entries, AccessPolicies.Problems problems) {
        List<String> cidrs = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String cidr = entries.get(i) == null ? "" : entries.get(i).trim();
            try {
                Cidr.parse(cidr);
                cidrs.add(cidr);
            } catch (IllegalArgumentException e) {
                problems.report(i, e.getMessage());
            }
        }
        return cidrs;
    }
}
