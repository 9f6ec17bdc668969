package dev.breakwater.operator.annotation;

import static dev.breakwater.operator.annotation.AnnotationKey.ours;

import dev.breakwater.operator.policy.CachePolicies;
import dev.breakwater.routing.CachePolicy;
import dev.breakwater.routing.Compression;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The response cache and response compression (keys of ours only). */
final class CacheAnnotations {

    static final AnnotationKey<Boolean> CACHE = ours("cache", Parsers.BOOLEAN);
    static final AnnotationKey<Long> CACHE_DEFAULT_TTL = ours("cache-default-ttl", Parsers.WHOLE_SECONDS);
    static final AnnotationKey<Long> CACHE_MAX_OBJECT_SIZE = ours("cache-max-object-size", Parsers.SIZE);
    static final AnnotationKey<Long> CACHE_STALE_WHILE_REVALIDATE = ours("cache-stale-while-revalidate",
            Parsers.WHOLE_SECONDS);
    static final AnnotationKey<Long> CACHE_STALE_IF_ERROR = ours("cache-stale-if-error", Parsers.WHOLE_SECONDS);
    static final AnnotationKey<Boolean> CACHE_STORE_SET_COOKIE = ours("cache-store-set-cookie", Parsers.BOOLEAN);
    static final AnnotationKey<Integer> CACHE_PURGE_GENERATION = ours("cache-purge-generation",
            Parsers.integer(0, Integer.MAX_VALUE));
    static final AnnotationKey<Long> CACHE_HEURISTIC_MAX = ours("cache-heuristic-max", Parsers.WHOLE_SECONDS);
    static final AnnotationKey<Boolean> CACHE_TARGETED = ours("cache-targeted-cache-control", Parsers.BOOLEAN);
    static final AnnotationKey<Boolean> COMPRESSION = ours("compression", Parsers.BOOLEAN);
    static final AnnotationKey<Long> COMPRESSION_MIN_SIZE = ours("compression-min-size", Parsers.SIZE);
    static final AnnotationKey<String> COMPRESSION_TYPES = ours("compression-types", Parsers.TEXT);

    static final List<AnnotationKey<?>> KEYS = List.of(CACHE, CACHE_DEFAULT_TTL, CACHE_MAX_OBJECT_SIZE,
            CACHE_STALE_WHILE_REVALIDATE, CACHE_STALE_IF_ERROR, CACHE_STORE_SET_COOKIE, CACHE_PURGE_GENERATION,
            CACHE_HEURISTIC_MAX, CACHE_TARGETED, COMPRESSION, COMPRESSION_MIN_SIZE, COMPRESSION_TYPES);

    private CacheAnnotations() {
    }

    /** {@code breakwater.dev/cache: "true"} and its settings; null when the cache is off. */
    static CachePolicy cache(AnnotationReader r) {
        if (!r.get(CACHE, false)) {
            noEffectWithout(r, CACHE, List.of(CACHE_DEFAULT_TTL, CACHE_MAX_OBJECT_SIZE, CACHE_STALE_WHILE_REVALIDATE,
                    CACHE_STALE_IF_ERROR, CACHE_STORE_SET_COOKIE, CACHE_PURGE_GENERATION, CACHE_HEURISTIC_MAX,
                    CACHE_TARGETED));
            return null;
        }
        Long ttl = r.get(CACHE_DEFAULT_TTL);
        Long maxObject = r.get(CACHE_MAX_OBJECT_SIZE);
        Long swr = r.get(CACHE_STALE_WHILE_REVALIDATE);
        Long sie = r.get(CACHE_STALE_IF_ERROR);
        boolean setCookie = r.get(CACHE_STORE_SET_COOKIE, false);
        Integer generation = r.get(CACHE_PURGE_GENERATION);
        return CachePolicies.cache(ttl, maxObject, swr, sie, setCookie, generation == null ? null : (long) generation,
                r.get(CACHE_HEURISTIC_MAX), r.get(CACHE_TARGETED, false));
    }

    /** {@code breakwater.dev/compression: "true"} and its settings; null when off. */
    static Compression compression(AnnotationReader r) {
        if (!r.get(COMPRESSION, false)) {
            noEffectWithout(r, COMPRESSION, List.of(COMPRESSION_MIN_SIZE, COMPRESSION_TYPES));
            return null;
        }
        Long min = r.get(COMPRESSION_MIN_SIZE);
        String typesKey = r.name(COMPRESSION_TYPES);
        List<String> types = null;
        String v = r.value(typesKey);
        if (v != null) {
            types = new ArrayList<>();
            for (String t : v.split(",")) {
                String type = t.trim().toLowerCase(Locale.ROOT);
                if (type.matches("[a-z0-9!#$&^_.+-]+/([a-z0-9!#$&^_.+-]+|\\*|\\*\\+[a-z0-9.-]+)")) {
                    types.add(type);
                } else if (!type.isEmpty()) {
                    r.warn(typesKey, "\"" + type + "\" is not a media type such as text/html, text/* or "
                            + "application/*+json; left out");
                }
            }
        }
        return CachePolicies.compression(min, types);
    }

    /** Warns each of {@code settings} that is there (even blank): it has no effect without {@code enabler}. */
    private static void noEffectWithout(AnnotationReader r, AnnotationKey<Boolean> enabler,
                                        List<AnnotationKey<?>> settings) {
        for (AnnotationKey<?> k : settings) {
            if (r.has(r.name(k))) {
                r.warn(r.name(k), "has no effect without " + r.name(enabler) + ": \"true\"");
            }
        }
    }
}
