package dev.breakwater.operator.crd;

/** Patterns of the schema, shared by several fields (and by the compiler, which checks what local mode reads). */
public final class Formats {

    /**
     * A duration as Gateway API writes them (GEP-2257): one to four whole numbers of hours, minutes, seconds or
     * milliseconds, largest first by convention: {@code 250ms}, {@code 5s}, {@code 1m30s}, {@code 1h}.
     */
    public static final String DURATION = "^([0-9]{1,5}(h|m|s|ms)){1,4}$";

    /** An HTTP header name (an RFC 7230 token). */
    public static final String HEADER_NAME = "^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$";

    /** A lower-case DNS name, optionally with a {@code *.} wildcard as its whole first label. */
    public static final String HOSTNAME = "^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /** A DNS subdomain name (RFC 1123), as Secret names are. */
    public static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /** A DNS label (RFC 1123), as Service names are. */
    public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    /** A cookie name (an RFC 6265 token). */
    public static final String COOKIE_NAME = "^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$";

    /** A path written by a filter: starts with {@code /}; no whitespace, control characters or {@code #}. */
    public static final String FILTER_PATH = "^/[^\\x00-\\x20\\x7F#]*$";

    /** A header value: no control characters but tab (no CR or LF: no header injection). */
    public static final String HEADER_VALUE = "^[^\\x00-\\x08\\x0A-\\x1F\\x7F]*$";

    /**
     * The headers no filter may set, add or remove, as a CEL list of lower-case names: hop-by-hop headers, the body's
     * framing and {@code Host} (the routing table refuses them too).
     */
    public static final String RESERVED_HEADERS_CEL = "['connection', 'keep-alive', 'proxy-connection', 'te', "
            + "'trailer', 'transfer-encoding', 'upgrade', 'content-length', 'host']";

    /**
     * A CORS origin: {@code *}, or {@code http(s)://host[:port]} whose host may start with one {@code *.} label
     * wildcard.
     */
    public static final String CORS_ORIGIN =
            "^(\\*|https?://(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?)$";

    /** An entry of a CORS method list (ingress-nginx's check). */
    public static final String CORS_METHOD = "^[A-Za-z]+$";

    /** An entry of a CORS allowed-headers list (ingress-nginx's check). */
    public static final String CORS_HEADER = "^[A-Za-z0-9_-]+$";

    /** An entry of a CORS exposed-headers list (ingress-nginx's check). */
    public static final String CORS_EXPOSED_HEADER = "^([A-Za-z0-9_-]+|\\*)$";

    private Formats() {
    }
}
