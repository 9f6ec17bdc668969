package dev.breakwater.dataplane.request;

import java.util.Locale;
import java.util.Objects;

/**
 * How the edge normalises a request path before it is routed, checked and forwarded (one path for all three).
 * Dot segments are always removed and percent-encoded unreserved characters always decoded (RFC 3986 section 6.2.2);
 * these settings cover what RFC 3986 leaves to the server.
 *
 * @param mergeSlashes   {@code //} is one {@code /} (nginx's {@code merge_slashes on}, its default and
 *                       ingress-nginx's); off keeps empty segments as they are
 * @param escapedSlashes what {@code %2F}, {@code %5C} and a raw {@code \} in a path become
 */
public record PathPolicy(boolean mergeSlashes, EscapedSlashes escapedSlashes) {

    /** The default: slashes merged, escaped slashes and backslashes refused. */
    public static final PathPolicy DEFAULT = new PathPolicy(true, EscapedSlashes.REJECT);

    /** What an escaped slash ({@code %2F}), an escaped backslash ({@code %5C}) or a raw backslash becomes. */
    public enum EscapedSlashes {
        /** 400: a path with them is refused (the default; Envoy's {@code REJECT_REQUEST}). */
        REJECT,
        /**
         * Kept as data inside their segment and forwarded encoded ({@code %2F}, {@code %5C}; a raw backslash is
         * sent as {@code %5C}): for applications that carry names with slashes in one segment (GitLab's
         * {@code group%2Fproject}). Routes see one segment, so a backend that decodes them itself must not rely on
         * path-based access rules at the edge.
         */
        KEEP,
        /** Each becomes {@code /} before dot segments are removed, and the path is routed and forwarded so. */
        DECODE;

        /** Reads {@code reject}, {@code keep} or {@code decode} (any case). */
        public static EscapedSlashes parse(String name, String value) {
            Objects.requireNonNull(value, name);
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": '" + value + "' (expected: reject, keep or decode)");
            }
        }
    }

    public PathPolicy {
        Objects.requireNonNull(escapedSlashes, "escapedSlashes");
    }

    public PathPolicy withMergeSlashes(boolean value) {
        return new PathPolicy(value, escapedSlashes);
    }

    public PathPolicy withEscapedSlashes(EscapedSlashes value) {
        return new PathPolicy(mergeSlashes, value);
    }
}
