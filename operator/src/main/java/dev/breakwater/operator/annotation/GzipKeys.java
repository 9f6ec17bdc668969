package dev.breakwater.operator.annotation;

import dev.breakwater.operator.diagnostic.Diagnostic;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The compression keys of ingress-nginx's controller ConfigMap ({@code use-gzip}, {@code enable-brotli},
 * {@code gzip-min-length}, {@code gzip-types}, {@code gzip-level}), read into the defaults of every Ingress's
 * {@code breakwater.dev/compression} annotations. With {@code use-gzip} or {@code enable-brotli} on, an Ingress that
 * says nothing of compression is compressed as ingress-nginx would: bodies from 256 bytes (or
 * {@code gzip-min-length}), of ingress-nginx's types plus {@code text/html} (or {@code gzip-types} plus
 * {@code text/html}, which nginx always compresses).
 */
final class GzipKeys {

    static final String USE_GZIP = "use-gzip";
    static final String ENABLE_BROTLI = "enable-brotli";
    static final String GZIP_MIN_LENGTH = "gzip-min-length";
    static final String GZIP_TYPES = "gzip-types";
    static final String GZIP_LEVEL = "gzip-level";
    static final String BROTLI_LEVEL = "brotli-level";
    static final String BROTLI_MIN_LENGTH = "brotli-min-length";
    static final String BROTLI_TYPES = "brotli-types";

    /** ingress-nginx's {@code gzip-types} when the key is not set. */
    static final String NGINX_TYPES = "application/atom+xml application/javascript application/x-javascript "
            + "application/json application/rss+xml application/vnd.ms-fontobject application/x-font-ttf "
            + "application/x-web-app-manifest+json application/xhtml+xml application/xml font/opentype image/svg+xml "
            + "image/x-icon text/css text/javascript text/plain text/x-component";
    /** ingress-nginx's {@code gzip-min-length} when the key is not set. */
    static final String NGINX_MIN_LENGTH = "256";
    /** The gzip level Breakwater compresses at, whatever {@code gzip-level} says. */
    static final int LEVEL = 6;
    /** The brotli quality Breakwater compresses at, ingress-nginx's default {@code brotli-level}. */
    static final int BROTLI_QUALITY = 4;

    private static final String MEDIA_TYPE = "[a-z0-9!#$&^_.+-]+/([a-z0-9!#$&^_.+-]+|\\*|\\*\\+[a-z0-9.-]+)";

    private GzipKeys() {
    }

    /** True when {@code name} is one of these keys. */
    static boolean isOne(String name) {
        return switch (name) {
            case USE_GZIP, ENABLE_BROTLI, GZIP_MIN_LENGTH, GZIP_TYPES, GZIP_LEVEL, BROTLI_LEVEL, BROTLI_MIN_LENGTH,
                 BROTLI_TYPES -> true;
            default -> false;
        };
    }

    /** True when {@code value} of key {@code name} can be used; why not to {@code problems}, what differs to warnings. */
    static boolean check(String name, String value, List<String> problems, List<String> warnings) {
        switch (name) {
            case USE_GZIP, ENABLE_BROTLI -> {
                return Parsers.BOOLEAN.parse(value, r -> problems.add(r.replace("; ignored", ""))) != null;
            }
            case GZIP_MIN_LENGTH, BROTLI_MIN_LENGTH -> {
                if (!value.matches("\\d{1,10}")) {
                    problems.add("\"" + value + "\" is not a number of bytes");
                }
                return problems.isEmpty();
            }
            case GZIP_LEVEL -> {
                if (!value.matches("[1-9]")) {
                    problems.add("\"" + value + "\" is not a gzip level (expected: 1 to 9)");
                    return false;
                }
                if (Integer.parseInt(value) != LEVEL) {
                    warnings.add("\"" + value + "\" is not applied: Breakwater compresses at gzip level " + LEVEL
                            + " (brotli quality 4) for every route");
                }
                return true;
            }
            case BROTLI_LEVEL -> {
                if (!value.matches("[1-9]|1[01]")) {
                    problems.add("\"" + value + "\" is not a brotli level (expected: 1 to 11)");
                    return false;
                }
                if (Integer.parseInt(value) != BROTLI_QUALITY) {
                    warnings.add("\"" + value + "\" is not applied: Breakwater compresses at brotli quality "
                            + BROTLI_QUALITY + " for every route");
                }
                return true;
            }
            case GZIP_TYPES, BROTLI_TYPES -> {
                if (types(value, warnings).isEmpty()) {
                    problems.add("\"" + value + "\" names no media type such as text/css or application/json");
                }
                return problems.isEmpty();
            }
            default -> throw new IllegalArgumentException("not a compression key: " + name);
        }
    }

    /**
     * Puts into {@code defaults} the compression annotations the keys used ({@code good}) give, or warns of those
     * that have no effect without {@code use-gzip} or {@code enable-brotli}.
     */
    static void apply(String object, Map<String, String> good, Map<String, String> defaults,
                      List<Diagnostic> diagnostics) {
        boolean gzip = "true".equalsIgnoreCase(good.get(USE_GZIP));
        boolean brotli = "true".equalsIgnoreCase(good.get(ENABLE_BROTLI));
        if (!brotli) {
            for (String k : List.of(BROTLI_LEVEL, BROTLI_MIN_LENGTH, BROTLI_TYPES)) {
                if (good.containsKey(k)) {
                    diagnostics.add(Diagnostic.warning(object, "data['" + k + "']", "has no effect without "
                            + "enable-brotli: \"true\" (as in ingress-nginx)"));
                }
            }
        }
        if (!gzip && !brotli) {
            for (String k : List.of(GZIP_MIN_LENGTH, GZIP_TYPES, GZIP_LEVEL)) {
                if (good.containsKey(k)) {
                    diagnostics.add(Diagnostic.warning(object, "data['" + k + "']", "has no effect without "
                            + "use-gzip: \"true\" (as in ingress-nginx)"));
                }
            }
            return;
        }
        if (gzip && !brotli) {
            diagnostics.add(Diagnostic.warning(object, "data['" + USE_GZIP + "']", "Breakwater answers brotli (br) "
                    + "to a client that prefers it to gzip, where ingress-nginx answers brotli only with "
                    + "enable-brotli: \"true\""));
        } else if (brotli && !gzip) {
            diagnostics.add(Diagnostic.warning(object, "data['" + ENABLE_BROTLI + "']", "Breakwater answers gzip "
                    + "to a client that accepts gzip but not brotli, where ingress-nginx compresses with gzip only "
                    + "with use-gzip: \"true\""));
        }
        defaults.put(CacheAnnotations.COMPRESSION.oursName(), "true");
        defaults.put(CacheAnnotations.COMPRESSION_MIN_SIZE.oursName(), good.getOrDefault(GZIP_MIN_LENGTH,
                NGINX_MIN_LENGTH));
        List<String> types = new ArrayList<>(types(good.getOrDefault(GZIP_TYPES, NGINX_TYPES), new ArrayList<>()));
        if (!types.contains("text/html")) {
            types.add(0, "text/html"); // nginx's gzip_types always holds it
        }
        defaults.put(CacheAnnotations.COMPRESSION_TYPES.oursName(), String.join(",", types));
        if (brotli) {
            brotliDifferences(object, good, types, diagnostics);
        }
    }

    /** Warns of {@code brotli-min-length} and {@code brotli-types} that ask for other than the gzip keys give. */
    private static void brotliDifferences(String object, Map<String, String> good, List<String> types,
                                          List<Diagnostic> diagnostics) {
        String length = good.getOrDefault(GZIP_MIN_LENGTH, NGINX_MIN_LENGTH);
        String brotliLength = good.get(BROTLI_MIN_LENGTH);
        if (brotliLength != null && Long.parseLong(brotliLength) != Long.parseLong(length)) {
            diagnostics.add(Diagnostic.warning(object, "data['" + BROTLI_MIN_LENGTH + "']", "\"" + brotliLength
                    + "\" is not applied: Breakwater answers brotli from the length gzip-min-length gives ("
                    + length + " bytes)"));
        }
        String brotliTypes = good.get(BROTLI_TYPES);
        if (brotliTypes != null) {
            java.util.Set<String> asked = new java.util.TreeSet<>(types(brotliTypes, new ArrayList<>()));
            asked.add("text/html"); // as gzip_types, brotli_types always holds it
            if (!asked.equals(new java.util.TreeSet<>(types))) {
                diagnostics.add(Diagnostic.warning(object, "data['" + BROTLI_TYPES + "']", "\"" + brotliTypes
                        + "\" is not applied: Breakwater answers brotli for the types gzip-types gives ("
                        + String.join(" ", types) + ")"));
            }
        }
    }

    /** The media types of an nginx {@code gzip_types} list (spaces or commas between); others to warnings. */
    private static List<String> types(String value, List<String> warnings) {
        List<String> types = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (String t : value.trim().split("[\\s,]+")) {
            String type = t.toLowerCase(Locale.ROOT);
            if (type.matches(MEDIA_TYPE)) {
                if (!types.contains(type)) {
                    types.add(type);
                }
            } else if (!type.isEmpty()) {
                bad.add(type);
            }
        }
        if (!bad.isEmpty()) {
            warnings.add("\"" + String.join("\", \"", bad) + "\" " + (bad.size() == 1 ? "is not a media type" : "are "
                    + "not media types") + " such as text/css, text/* or application/*+json; left out");
        }
        return types;
    }
}
