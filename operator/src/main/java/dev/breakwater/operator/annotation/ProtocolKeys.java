package dev.breakwater.operator.annotation;

import java.util.List;
import java.util.Locale;

/**
 * Keys of ingress-nginx's controller ConfigMap about the client side's protocols ({@code use-http2},
 * {@code http-redirect-code}, {@code client-header-timeout}, {@code client-body-timeout}) and TLS sessions
 * ({@code ssl-session-*}), checked against what the data plane does: a value that asks for what Breakwater does is read
 * without a word, any other is a warning that names the difference, a value that does not parse is an error.
 * {@code client-header-timeout} is applied: the routing table carries it to every data plane.
 */
final class ProtocolKeys {

    static final String USE_HTTP2 = "use-http2";
    static final String HTTP_REDIRECT_CODE = "http-redirect-code";
    static final String CLIENT_BODY_TIMEOUT = "client-body-timeout";
    static final String CLIENT_HEADER_TIMEOUT = "client-header-timeout";
    static final String SSL_SESSION_CACHE = "ssl-session-cache";
    static final String SSL_SESSION_CACHE_SIZE = "ssl-session-cache-size";
    static final String SSL_SESSION_TIMEOUT = "ssl-session-timeout";
    static final String SSL_SESSION_TICKETS = "ssl-session-tickets";
    static final String SSL_SESSION_TICKET_KEY = "ssl-session-ticket-key";

    /** The status of Breakwater's redirects from HTTP to HTTPS, ingress-nginx's default {@code http-redirect-code}. */
    static final int REDIRECT_CODE = 308;
    /** How long the data plane's TLS session cache keeps a session, in seconds. */
    static final long SESSION_SECONDS = 3600;
    /** The sessions the data plane's TLS session cache holds per certificate. */
    static final int SESSIONS_CACHED = 20_000;

    private ProtocolKeys() {
    }

    /** True when {@code name} is one of these keys. */
    static boolean isOne(String name) {
        return switch (name) {
            case USE_HTTP2, HTTP_REDIRECT_CODE, CLIENT_BODY_TIMEOUT, CLIENT_HEADER_TIMEOUT, SSL_SESSION_CACHE, SSL_SESSION_CACHE_SIZE,
                 SSL_SESSION_TIMEOUT, SSL_SESSION_TICKETS, SSL_SESSION_TICKET_KEY -> true;
            default -> false;
        };
    }

    /** True when {@code value} of key {@code name} can be used; why not to {@code problems}, what differs to warnings. */
    static boolean check(String name, String value, List<String> problems, List<String> warnings) {
        switch (name) {
            case USE_HTTP2 -> {
                Boolean b = bool(value, problems);
                if (Boolean.FALSE.equals(b)) {
                    warnings.add("\"false\" is not applied: Breakwater offers HTTP/2 (ALPN h2) on every HTTPS "
                            + "connection, beside HTTP/1.1");
                }
                return b != null;
            }
            case HTTP_REDIRECT_CODE -> {
                if (!value.matches("30[1278]")) {
                    problems.add("\"" + value + "\" is not one of 301, 302, 307, 308");
                    return false;
                }
                if (Integer.parseInt(value) != REDIRECT_CODE) {
                    warnings.add("\"" + value + "\" is not applied: Breakwater redirects HTTP to HTTPS (ssl-redirect, "
                            + "force-ssl-redirect) with " + REDIRECT_CODE);
                }
                return true;
            }
            case CLIENT_BODY_TIMEOUT -> {
                Long seconds = Parsers.WHOLE_SECONDS.parse(value, r -> problems.add(r.replace("; ignored", "")));
                if (seconds != null) {
                    warnings.add("\"" + value + "\" is not applied: Breakwater has no timeout of its own between two "
                            + "reads of a request body; the route's proxy-read-timeout bounds the endpoint's wait "
                            + "for the rest of it");
                }
                return seconds != null;
            }
            case CLIENT_HEADER_TIMEOUT -> {
                Long seconds = Parsers.WHOLE_SECONDS.parse(value, r -> problems.add(r.replace("; ignored", "")));
                if (seconds != null && seconds == 0) {
                    problems.add("\"" + value + "\" is not a timeout (expected: 1 second or more)");
                    return false;
                }
                return seconds != null;
            }
            case SSL_SESSION_CACHE -> {
                Boolean b = bool(value, problems);
                if (Boolean.FALSE.equals(b)) {
                    warnings.add("\"false\" is not applied: Breakwater caches TLS sessions (each data plane its own, "
                            + "per certificate)");
                }
                return b != null;
            }
            case SSL_SESSION_CACHE_SIZE -> {
                Long bytes = value.matches("\\d+[kKmMgG]?") ? Parsers.SIZE.parse(value, r -> { }) : null;
                if (bytes == null || bytes == Long.MAX_VALUE) {
                    problems.add("\"" + value + "\" is not a size such as 10m");
                    return false;
                }
                warnings.add("\"" + value + "\" is not applied: Breakwater's TLS session cache holds "
                        + SESSIONS_CACHED + " sessions per certificate, whatever the size (nginx's 1m holds about "
                        + "4000)");
                return true;
            }
            case SSL_SESSION_TIMEOUT -> {
                Long millis = Parsers.DURATION.parse(value, r -> problems.add(r.replace("; ignored", "")));
                if (millis != null && millis / 1000 != SESSION_SECONDS) {
                    warnings.add("\"" + value + "\" is not applied: Breakwater's TLS session cache keeps a session "
                            + "1h");
                }
                return millis != null;
            }
            case SSL_SESSION_TICKETS -> {
                Boolean b = bool(value, problems);
                if (Boolean.TRUE.equals(b)) {
                    warnings.add("\"true\" is not applied: Breakwater sets no session ticket keys of its own; "
                            + "sessions resume from each data plane's session cache");
                }
                return b != null;
            }
            case SSL_SESSION_TICKET_KEY -> {
                byte[] key;
                try {
                    key = java.util.Base64.getDecoder().decode(value.trim());
                } catch (IllegalArgumentException e) {
                    key = null;
                }
                if (key == null || key.length != 48 && key.length != 80) {
                    problems.add("is not the base64 of a 48 or 80 byte key (as openssl rand 80 | openssl enc -A "
                            + "-base64 makes)");
                    return false;
                }
                warnings.add("is not applied: Breakwater sets no session ticket keys; sessions resume from each data "
                        + "plane's session cache");
                return true;
            }
            default -> throw new IllegalArgumentException("not a protocol key: " + name);
        }
    }

    private static Boolean bool(String value, List<String> problems) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "on" -> Boolean.TRUE;
            case "false", "off" -> Boolean.FALSE;
            default -> {
                problems.add("\"" + value + "\" is not true or false");
                yield null;
            }
        };
    }
}
