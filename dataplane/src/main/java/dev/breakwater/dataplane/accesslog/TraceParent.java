package dev.breakwater.dataplane.accesslog;

/** Reads the trace id of a W3C Trace Context {@code traceparent} header (version 00 and later). */
public final class TraceParent {

    private TraceParent() {
    }

    /**
     * The trace id (32 lower-case hex digits) of {@code header}, or null when it is absent or malformed, or its trace
     * id is all zeros (invalid by the specification).
     */
    public static String traceId(String header) {
        if (header == null) {
            return null;
        }
        String v = header.trim();
        // version "-" trace-id "-" parent-id "-" flags: 2 + 1 + 32 + 1 + 16 + 1 + 2
        if (v.length() < 55 || v.charAt(2) != '-' || v.charAt(35) != '-' || v.charAt(52) != '-'
                || v.length() > 55 && (v.startsWith("00") || v.charAt(55) != '-')) {
            return null;
        }
        if (!hex(v, 0, 2) || v.startsWith("ff") || !hex(v, 3, 35) || !hex(v, 36, 52) || !hex(v, 53, 55)) {
            return null;
        }
        String id = v.substring(3, 35);
        return id.equals("00000000000000000000000000000000") ? null : id;
    }

    private static boolean hex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
