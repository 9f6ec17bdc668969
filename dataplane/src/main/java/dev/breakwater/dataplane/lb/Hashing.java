package dev.breakwater.dataplane.lb;

import java.nio.charset.StandardCharsets;

/** 64-bit hashing of strings for consistent hashing (MurmurHash3's 64-bit finaliser over FNV-1a). */
public final class Hashing {

    private Hashing() {
    }

    public static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (byte x : b) {
            h ^= x & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** MurmurHash3 fmix64: spreads every input bit over the whole output. */
    public static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    /** A short, stable, opaque id of an endpoint key, for affinity cookies. */
    public static String id(String key) {
        return Long.toHexString(hash(key));
    }
}
