package dev.breakwater.dataplane.cache;

import io.netty.handler.codec.compression.Brotli;
import java.util.Locale;

/** Content-coding negotiation from {@code Accept-Encoding} (RFC 9110 section 12.5.3). */
public final class ContentCoding {

    public static final String BROTLI = "br";
    public static final String GZIP = "gzip";
    public static final String IDENTITY = "identity";

    private static final boolean BROTLI_AVAILABLE = Brotli.isAvailable();

    private ContentCoding() {
    }

    /** True when brotli's native library loaded on this machine. */
    public static boolean brotliAvailable() {
        return BROTLI_AVAILABLE;
    }

    /** The coding this proxy would answer with: br (where it loads), else gzip, else identity. */
    public static String preferred(String acceptEncoding) {
        if (acceptEncoding == null || acceptEncoding.isEmpty()) {
            return IDENTITY;
        }
        if (BROTLI_AVAILABLE && quality(acceptEncoding, BROTLI) > 0) {
            return BROTLI;
        }
        return quality(acceptEncoding, GZIP) > 0 ? GZIP : IDENTITY;
    }

    /** True when a client with this {@code Accept-Encoding} can read a body in the given coding. */
    public static boolean accepts(String acceptEncoding, String coding) {
        if (coding == null || coding.isEmpty() || coding.equals(IDENTITY)) {
            return true;
        }
        return acceptEncoding != null && quality(acceptEncoding, coding) > 0;
    }

    /**
     * The q-value the header gives a coding: its own entry, else {@code *}'s, else 0 ({@code x-gzip} counts
     * as gzip).
     */
    static double quality(String acceptEncoding, String coding) {
        double wildcard = 0;
        boolean wildcardSeen = false;
        for (String part : acceptEncoding.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int semi = p.indexOf(';');
            String name = (semi < 0 ? p : p.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
            double q = semi < 0 ? 1 : qValue(p.substring(semi + 1));
            if (name.equals(coding) || coding.equals(GZIP) && name.equals("x-gzip")) {
                return q;
            }
            if (name.equals("*")) {
                wildcard = q;
                wildcardSeen = true;
            }
        }
        return wildcardSeen ? wildcard : 0;
    }

    private static double qValue(String params) {
        for (String param : params.split(";")) {
            String p = param.trim();
            if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                try {
                    double q = Double.parseDouble(p.substring(2).trim());
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
