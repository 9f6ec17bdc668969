package dev.breakwater.operator.policy;

import java.util.Map;
import java.util.TreeMap;

/** Readers of authentication settings shared by Ingress annotations and Route rules. */
public final class AuthPolicies {

    /** ingress-nginx's {@code auth-cache-duration} when a cache key is set without one. */
    public static final String DEFAULT_CACHE_DURATION = "200 202 401 5m";

    private AuthPolicies() {
    }

    /** {@code "200 202 10m, 401 5m"}: each status and how long its answers are cached. */
    public static Map<Integer, Long> cacheDurations(String value) {
        Map<Integer, Long> out = new TreeMap<>();
        for (String entry : value.split(",")) {
            String[] words = entry.trim().split("\\s+");
            if (words.length < 2) {
                throw new IllegalArgumentException("\"" + entry.trim() + "\" is not CODE... DURATION");
            }
            long millis = Durations.millis(words[words.length - 1]);
            if (millis <= 0) {
                throw new IllegalArgumentException("\"" + entry.trim() + "\": the duration must be more than zero");
            }
            for (int i = 0; i < words.length - 1; i++) {
                if (!words[i].matches("[2-5]\\d\\d")) {
                    throw new IllegalArgumentException("\"" + words[i] + "\" is not an HTTP status");
                }
                out.put(Integer.parseInt(words[i]), millis);
            }
        }
        return out;
    }
}
