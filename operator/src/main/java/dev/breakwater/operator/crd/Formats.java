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

    private Formats() {
    }
}
