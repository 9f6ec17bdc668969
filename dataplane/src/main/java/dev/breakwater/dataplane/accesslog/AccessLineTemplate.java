package dev.breakwater.dataplane.accesslog;

import dev.breakwater.routing.AccessLogFormat;
import dev.breakwater.routing.AccessLogFormat.Field;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * An access-log line given by the table ({@link AccessLogFormat}, ingress-nginx's {@code log-format-upstream}),
 * compiled once per table: its text as is, each field's value escaped as the format says, {@code -} for a value
 * unknown. Queries (in the request line, the path with query, the query and the referer) are redacted as in the
 * data plane's own formats ({@link QueryRedaction}). Immutable, so shared by the event loops that pick it and the
 * writer that renders it.
 */
public final class AccessLineTemplate {

    private static final DateTimeFormatter ISO8601 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    private final List<AccessLogFormat.Part> parts;
    private final AccessLogFormat.Escape escape;

    private AccessLineTemplate(AccessLogFormat format) {
        this.parts = format.parts();
        this.escape = format.escape();
    }

    /** The template of {@code format}, or null for none (the log's own format applies). */
    public static AccessLineTemplate of(AccessLogFormat format) {
        return format == null ? null : new AccessLineTemplate(format);
    }

    /** The line of {@code e}, without its newline. */
    String render(AccessEntry e) {
        StringBuilder b = new StringBuilder(256);
        for (AccessLogFormat.Part p : parts) {
            if (p.text() != null) {
                b.append(p.text());
                continue;
            }
            String value = value(p.field(), e);
            if (value == null || value.isEmpty()) {
                b.append('-');
            } else {
                escape(value, b);
            }
        }
        return b.toString();
    }

    private static String value(Field field, AccessEntry e) {
        return switch (field) {
            case CLIENT_ADDRESS -> e.forwardedFor() != null ? e.forwardedFor() : e.clientAddress();
            case PEER_ADDRESS -> e.clientAddress();
            case TIME_LOCAL -> AccessLineFormat.NGINX_TIME.format(Instant.ofEpochMilli(e.timeMillis()));
            case TIME_ISO8601 -> ISO8601.format(Instant.ofEpochMilli(e.timeMillis()));
            case TIME_MSEC -> msec(e.timeMillis());
            case REQUEST_LINE -> e.method() + ' ' + pathAndQuery(e) + ' ' + e.protocol();
            case METHOD -> e.method();
            case PATH -> e.path();
            case PATH_AND_QUERY -> pathAndQuery(e);
            case QUERY -> e.query() == null ? null : QueryRedaction.redact(e.query());
            case PROTOCOL -> e.protocol();
            case SCHEME -> e.scheme();
            case HOST -> e.host();
            case STATUS -> Integer.toString(e.status());
            case BODY_BYTES_SENT -> Long.toString(e.bytesSent());
            case REQUEST_TIME -> seconds(e.durationNanos());
            case UPSTREAM_ADDRESS -> e.upstreamAddress();
            case UPSTREAM_STATUS -> e.upstreamStatus() > 0 ? Integer.toString(e.upstreamStatus()) : null;
            case UPSTREAM_CONNECT_TIME -> e.upstreamAddress() == null ? null : seconds(e.upstreamConnectNanos());
            case UPSTREAM_HEADER_TIME -> e.upstreamAddress() == null ? null : seconds(e.upstreamHeaderNanos());
            case ROUTE -> e.route();
            case SOURCE_NAMESPACE -> sourcePart(e.routeSource(), 1);
            case INGRESS_NAME -> e.routeSource() != null && e.routeSource().startsWith("Ingress/")
                    ? sourcePart(e.routeSource(), 2) : null;
            case REQUEST_ID -> e.requestId();
            case TRACE_ID -> e.traceId();
            case CACHE_STATUS -> e.cacheStatus();
            case TLS_PROTOCOL -> e.tlsVersion();
            case TLS_CIPHER -> e.tlsCipher();
            case TLS_SERVER_NAME -> e.tlsServerName();
            case USER_AGENT -> e.userAgent();
            case REFERER -> e.referer() == null ? null : QueryRedaction.redactUrl(e.referer());
        };
    }

    private static String pathAndQuery(AccessEntry e) {
        return e.query() == null ? e.path() : e.path() + '?' + QueryRedaction.redact(e.query());
    }

    /** Part {@code index} of {@code Kind/namespace/name}, or null. */
    private static String sourcePart(String source, int index) {
        if (source == null) {
            return null;
        }
        String[] parts = source.split("/", 3);
        return parts.length == 3 ? parts[index] : null;
    }

    private static String seconds(long nanos) {
        if (nanos < 0) {
            return null;
        }
        StringBuilder b = new StringBuilder(12);
        Decimals.seconds(nanos, b);
        return b.toString();
    }

    private static String msec(long millis) {
        long frac = millis % 1000;
        return millis / 1000 + "." + (frac < 100 ? frac < 10 ? "00" : "0" : "") + frac;
    }

    private void escape(String value, StringBuilder b) {
        switch (escape) {
            case NONE -> b.append(value);
            case JSON -> json(value, b);
            default -> nginx(value, b);
        }
    }

    /** nginx's default: {@code "}, {@code \}, control characters and every byte from 0x7f as {@code \xHH}. */
    private static void nginx(String value, StringBuilder b) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20) {
                hex(c, b);
            } else if (c >= 0x7f) {
                int end = Character.isHighSurrogate(c) && i + 1 < value.length() ? i + 2 : i + 1;
                for (byte u : value.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    hex(u & 0xff, b);
                }
                i = end - 1;
            } else {
                b.append(c);
            }
        }
    }

    private static void hex(int c, StringBuilder b) {
        b.append("\\x").append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
    }

    /** As in a JSON string. */
    private static void json(String value, StringBuilder b) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
    }
}
