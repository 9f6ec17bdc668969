package dev.breakwater.dataplane.request;

import java.util.ArrayList;
import java.util.List;

/**
 * Normalises the path of a request target once, before routing (RFC 3986 sections 5.2.4 and 6.2.2): percent-encoded
 * unreserved characters decoded, the remaining percent-encodings in upper-case hex, characters a URI may not carry
 * raw percent-encoded, dot segments removed (never above the root), slashes merged and escaped slashes handled as
 * the {@link PathPolicy} says. What it returns is what the router matches, the access checks see and the endpoint
 * receives. Refuses with 400 what has no safe reading: a path not starting with {@code /}, a broken or NUL
 * percent-encoding, a control character, and escaped slashes or backslashes when the policy rejects them.
 */
public final class PathNormalizer {

    private PathNormalizer() {
    }

    /** The normalised form of {@code raw}, a path without its query. Applying it twice changes nothing. */
    public static String normalize(String raw, PathPolicy policy) throws RequestRefused {
        if (raw.isEmpty() || raw.charAt(0) != '/') {
            throw new RequestRefused(400, "the request path must start with /");
        }
        if (isNormal(raw, policy.mergeSlashes())) {
            return raw; // the common case: nothing to decode, encode or remove
        }
        StringBuilder decoded = new StringBuilder(raw.length() + 8);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (!UriChars.hexPairAt(raw, i + 1)) {
                    throw new RequestRefused(400, "the path has a % not followed by two hexadecimal digits");
                }
                int octet = UriChars.hex(raw.charAt(i + 1)) << 4 | UriChars.hex(raw.charAt(i + 2));
                i += 2;
                if (UriChars.unreserved(octet)) {
                    decoded.append((char) octet);
                } else if (octet == '/' || octet == '\\') {
                    escapedSlash(decoded, octet, policy.escapedSlashes());
                } else if (octet == 0) {
                    throw new RequestRefused(400, "the path has an encoded NUL (%00)");
                } else {
                    UriChars.appendEncoded(decoded, octet);
                }
            } else if (c == '\\') {
                escapedSlash(decoded, c, policy.escapedSlashes());
            } else if (UriChars.pathChar(c)) {
                decoded.append(c);
            } else if (UriChars.control(c) || c > 0xff) {
                throw new RequestRefused(400, "the path has a control character");
            } else {
                // printable but not allowed raw ("<>^`{|} and the like), or an octet above 0x7f: sent encoded, as
                // browsers do, so that the endpoint reads the same octets from a valid URI
                UriChars.appendEncoded(decoded, c);
            }
        }
        return removeDotSegments(decoded, policy.mergeSlashes());
    }

    private static void escapedSlash(StringBuilder out, int octet, PathPolicy.EscapedSlashes action)
            throws RequestRefused {
        switch (action) {
            case REJECT -> throw new RequestRefused(400, octet == '/'
                    ? "the path has an encoded slash (%2F); this edge refuses them (see --path-escaped-slashes)"
                    : "the path has a backslash or an encoded one (%5C); this edge refuses them"
                            + " (see --path-escaped-slashes)");
            case KEEP -> UriChars.appendEncoded(out, octet);
            case DECODE -> out.append('/');
            default -> throw new IllegalStateException(action.toString());
        }
    }

    /**
     * True when the path needs no work: only characters allowed raw, no percent sign, no segment starting with a
     * dot, and (when merging) no empty segment.
     */
    private static boolean isNormal(String path, boolean mergeSlashes) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '/') {
                if (i + 1 < path.length()) {
                    char next = path.charAt(i + 1);
                    if (next == '.' || next == '/' && mergeSlashes) {
                        return false;
                    }
                }
            } else if (!UriChars.pathChar(c)) {
                return false;
            }
        }
        return true;
    }

    private static String removeDotSegments(CharSequence path, boolean mergeSlashes) {
        List<String> kept = new ArrayList<>();
        boolean trailingSlash = false;
        int start = 1; // the path starts with '/'
        while (start <= path.length()) {
            int end = indexOf(path, '/', start);
            boolean last = end < 0;
            String segment = path.subSequence(start, last ? path.length() : end).toString();
            switch (segment) {
                case "." -> trailingSlash = last;
                case ".." -> {
                    if (!kept.isEmpty()) {
                        kept.remove(kept.size() - 1); // above the root, ".." stays at the root
                    }
                    trailingSlash = last;
                }
                case "" -> {
                    if (mergeSlashes) {
                        trailingSlash = last;
                    } else {
                        kept.add(segment);
                    }
                }
                default -> {
                    kept.add(segment);
                    trailingSlash = false;
                }
            }
            if (last) {
                break;
            }
            start = end + 1;
        }
        if (trailingSlash && !kept.isEmpty()) {
            kept.add("");
        }
        return "/" + String.join("/", kept);
    }

    private static int indexOf(CharSequence s, char c, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The query as forwarded: unchanged but for characters a URI may not carry raw, which are percent-encoded (a
     * {@code %} not starting an encoding becomes {@code %25}). Refuses control characters.
     */
    public static String normalizeQuery(String query) throws RequestRefused {
        int i = 0;
        while (i < query.length() && UriChars.queryChar(query.charAt(i))
                || i < query.length() && query.charAt(i) == '%' && UriChars.hexPairAt(query, i + 1)) {
            i++;
        }
        if (i == query.length()) {
            return query;
        }
        StringBuilder out = new StringBuilder(query.length() + 8).append(query, 0, i);
        for (; i < query.length(); i++) {
            char c = query.charAt(i);
            if (UriChars.queryChar(c) || c == '%' && UriChars.hexPairAt(query, i + 1)) {
                out.append(c);
            } else if (UriChars.control(c) || c > 0xff) {
                throw new RequestRefused(400, "the query has a control character");
            } else {
                UriChars.appendEncoded(out, c);
            }
        }
        return out.toString();
    }
}
