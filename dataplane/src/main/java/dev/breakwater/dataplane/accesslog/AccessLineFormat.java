package dev.breakwater.dataplane.accesslog;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Writes {@link AccessEntry}s as lines, JSON ({@link JsonAccessLine}) or text, into the writer's batch; runs on the
 * writer thread only (one instance per writer, kept for its life).
 */
final class AccessLineFormat {

    static final DateTimeFormatter NGINX_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    private final AccessLogConfig.Format format;
    private final OutputStream out;
    private final JsonAccessLine json;

    AccessLineFormat(AccessLogConfig.Format format, OutputStream out) {
        this.format = format;
        this.out = out;
        this.json = format == AccessLogConfig.Format.JSON ? new JsonAccessLine(out) : null;
    }

    /**
     * Writes the line of {@code e}, with its newline. On an exception the line may be partly written and this format
     * is not to be used again (the writer makes another).
     */
    void write(AccessEntry e) {
        try {
            if (e.line() != null) {
                out.write(e.line().render(e).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            } else if (json != null) {
                json.write(e);
            } else {
                out.write(text(e).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
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
        b.append("\" ").append(e.bytesReceived()).append(' ');
        seconds(b, e.durationNanos());
        b.append(" [").append(dash(e.route())).append("] ").append(dash(e.upstreamAddress())).append(' ');
        seconds(b, e.upstreamHeaderNanos());
        b.append(' ')
                .append(e.upstreamStatus() > 0 ? Integer.toString(e.upstreamStatus()) : "-").append(' ')
                .append(dash(e.requestId()));
        return b.toString();
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static void seconds(StringBuilder b, long nanos) {
        if (nanos < 0) {
            b.append('-');
        } else {
            Decimals.seconds(nanos, b);
        }
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
