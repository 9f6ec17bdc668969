package dev.breakwater.dataplane.accesslog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Writes an {@link AccessEntry} as one line, JSON or text; runs on the writer thread only (one instance per writer).
 * The JSON field names are a contract (docs/observability.md lists them): every field is written on every line, in
 * this order, null when unknown.
 */
final class AccessLineFormat {

    private static final DateTimeFormatter NGINX_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final AccessLogConfig.Format format;

    AccessLineFormat(AccessLogConfig.Format format) {
        this.format = format;
    }

    /** Writes the line of {@code e}, with its newline, to {@code out}. */
    void write(AccessEntry e, OutputStream out) {
        try {
            if (format == AccessLogConfig.Format.TEXT) {
                out.write(text(e).getBytes(StandardCharsets.UTF_8));
            } else {
                json(e, out);
            }
            out.write('\n');
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void json(AccessEntry e, OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeStringField("time", Instant.ofEpochMilli(e.timeMillis()).toString());
            g.writeStringField("request_id", e.requestId());
            g.writeStringField("trace_id", e.traceId());
            g.writeStringField("client_address", e.clientAddress());
            g.writeStringField("forwarded_for", e.forwardedFor());
            g.writeStringField("kind", e.kind());
            g.writeStringField("method", e.method());
            g.writeStringField("scheme", e.scheme());
            g.writeStringField("host", e.host());
            g.writeStringField("path", e.path());
            g.writeStringField("query", QueryRedaction.redact(e.query()));
            g.writeStringField("protocol", e.protocol());
            g.writeNumberField("status", e.status());
            g.writeNumberField("bytes_received", e.bytesReceived());
            g.writeNumberField("bytes_sent", e.bytesSent());
            millis(g, "duration_ms", e.durationNanos());
            g.writeStringField("upstream_address", e.upstreamAddress());
            if (e.upstreamStatus() > 0) {
                g.writeNumberField("upstream_status", e.upstreamStatus());
            } else {
                g.writeNullField("upstream_status");
            }
            millis(g, "upstream_connect_ms", e.upstreamConnectNanos());
            millis(g, "upstream_header_ms", e.upstreamHeaderNanos());
            g.writeNumberField("attempts", e.attempts());
            g.writeStringField("route", e.route());
            g.writeStringField("route_source", e.routeSource());
            g.writeStringField("cache_status", e.cacheStatus());
            g.writeStringField("tls_version", e.tlsVersion());
            g.writeStringField("tls_cipher", e.tlsCipher());
            g.writeStringField("tls_server_name", e.tlsServerName());
            g.writeStringField("user_agent", e.userAgent());
            g.writeStringField("referer", QueryRedaction.redactUrl(e.referer()));
            g.writeEndObject();
        }
    }

    /** Milliseconds with microseconds as the fraction, or null for an unknown (-1) duration. */
    private static void millis(JsonGenerator g, String name, long nanos) throws IOException {
        if (nanos < 0) {
            g.writeNullField(name);
        } else {
            g.writeFieldName(name);
            g.writeNumber(Math.round(nanos / 1000.0) / 1000.0);
        }
    }

    /**
     * nginx's {@code combined} ({@code $remote_addr - - [$time_local] "$request" $status $body_bytes_sent
     * "$http_referer" "$http_user_agent"}), then the request body length, the duration in seconds, {@code [route]},
     * the upstream address, its header time in seconds, its status, and the request id; {@code -} for unknown.
     */
    static String text(AccessEntry e) {
        StringBuilder b = new StringBuilder(256);
        b.append(dash(e.forwardedFor() != null ? e.forwardedFor() : e.clientAddress())).append(" - - [")
                .append(NGINX_TIME.format(Instant.ofEpochMilli(e.timeMillis()))).append("] \"");
        quoted(b, e.method() + ' ' + e.path() + (e.query() == null ? "" : "?" + QueryRedaction.redact(e.query()))
                + ' ' + e.protocol());
        b.append("\" ").append(e.status()).append(' ').append(e.bytesSent()).append(" \"");
        quoted(b, e.referer() == null ? "-" : QueryRedaction.redactUrl(e.referer()));
        b.append("\" \"");
        quoted(b, e.userAgent() == null ? "-" : e.userAgent());
        b.append("\" ").append(e.bytesReceived()).append(' ').append(seconds(e.durationNanos()))
                .append(" [").append(dash(e.route())).append("] ").append(dash(e.upstreamAddress())).append(' ')
                .append(seconds(e.upstreamHeaderNanos())).append(' ')
                .append(e.upstreamStatus() > 0 ? Integer.toString(e.upstreamStatus()) : "-").append(' ')
                .append(dash(e.requestId()));
        return b.toString();
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static String seconds(long nanos) {
        return nanos < 0 ? "-" : String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }

    /** Appends {@code s} with quotes, backslashes and control characters escaped as nginx does ({@code \xHH}). */
    private static void quoted(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
                b.append(String.format(Locale.ROOT, "\\x%02X", (int) c));
            } else {
                b.append(c);
            }
        }
    }
}
