package dev.breakwater.dataplane.accesslog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.breakwater.dataplane.request.Authority;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;

/**
 * Writes {@link AccessEntry}s as JSON lines into one output, for the writer thread only. Made once per writer and kept
 * (until a line fails):
 * one Jackson generator over the writer's batch (no generator, buffer or context per line), field names encoded once,
 * the time's date part formatted once per second, durations written as decimals without going through a
 * {@code double}'s string. The field names are a contract (docs/observability.md lists them): every field on every
 * line, in this order, null when unknown.
 */
final class JsonAccessLine {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private static final SerializableString TIME = name("time");
    private static final SerializableString REQUEST_ID = name("request_id");
    private static final SerializableString TRACE_ID = name("trace_id");
    private static final SerializableString CLIENT_ADDRESS = name("client_address");
    private static final SerializableString FORWARDED_FOR = name("forwarded_for");
    private static final SerializableString KIND = name("kind");
    private static final SerializableString METHOD = name("method");
    private static final SerializableString SCHEME = name("scheme");
    private static final SerializableString HOST = name("host");
    private static final SerializableString PATH = name("path");
    private static final SerializableString QUERY = name("query");
    private static final SerializableString PROTOCOL = name("protocol");
    private static final SerializableString STATUS = name("status");
    private static final SerializableString BYTES_RECEIVED = name("bytes_received");
    private static final SerializableString BYTES_SENT = name("bytes_sent");
    private static final SerializableString DURATION_MS = name("duration_ms");
    private static final SerializableString UPSTREAM_ADDRESS = name("upstream_address");
    private static final SerializableString UPSTREAM_STATUS = name("upstream_status");
    private static final SerializableString UPSTREAM_CONNECT_MS = name("upstream_connect_ms");
    private static final SerializableString UPSTREAM_HEADER_MS = name("upstream_header_ms");
    private static final SerializableString ATTEMPTS = name("attempts");
    private static final SerializableString ROUTE = name("route");
    private static final SerializableString ROUTE_SOURCE = name("route_source");
    private static final SerializableString CACHE_STATUS = name("cache_status");
    private static final SerializableString TLS_VERSION = name("tls_version");
    private static final SerializableString TLS_CIPHER = name("tls_cipher");
    private static final SerializableString TLS_SERVER_NAME = name("tls_server_name");
    private static final SerializableString USER_AGENT = name("user_agent");
    private static final SerializableString REFERER = name("referer");

    private final JsonGenerator g;
    /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} of the last line; its first 19 characters are those of {@link #second}. */
    private final char[] time = new char[24];
    private long second = Long.MIN_VALUE;
    private final char[] number = new char[24];

    JsonAccessLine(OutputStream out) {
        try {
            this.g = JSON.createGenerator(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a JSON generator", e);
        }
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        g.setRootValueSeparator(null); // lines are separated by the newline written after each
    }

    private static SerializableString name(String s) {
        return new SerializedString(s);
    }

    /**
     * Writes the line of {@code e} with its newline, into the output. On an exception the line may be partly written
     * and this writer is not to be used again.
     */
    void write(AccessEntry e) throws IOException {
        g.writeStartObject();
        g.writeFieldName(TIME);
        time(e.timeMillis());
        g.writeString(time, 0, time.length);
        string(REQUEST_ID, e.requestId());
        string(TRACE_ID, e.traceId());
        string(CLIENT_ADDRESS, e.clientAddress());
        string(FORWARDED_FOR, e.forwardedFor());
        string(KIND, e.kind());
        string(METHOD, e.method());
        string(SCHEME, e.scheme());
        string(HOST, Authority.host(e.host())); // the Host header's or :authority's, without a port
        string(PATH, e.path());
        string(QUERY, QueryRedaction.redact(e.query()));
        string(PROTOCOL, e.protocol());
        g.writeFieldName(STATUS);
        g.writeNumber(e.status());
        g.writeFieldName(BYTES_RECEIVED);
        g.writeNumber(e.bytesReceived());
        g.writeFieldName(BYTES_SENT);
        g.writeNumber(e.bytesSent());
        millis(DURATION_MS, e.durationNanos());
        string(UPSTREAM_ADDRESS, e.upstreamAddress());
        g.writeFieldName(UPSTREAM_STATUS);
        if (e.upstreamStatus() > 0) {
            g.writeNumber(e.upstreamStatus());
        } else {
            g.writeNull();
        }
        millis(UPSTREAM_CONNECT_MS, e.upstreamConnectNanos());
        millis(UPSTREAM_HEADER_MS, e.upstreamHeaderNanos());
        g.writeFieldName(ATTEMPTS);
        g.writeNumber(e.attempts());
        string(ROUTE, e.route());
        string(ROUTE_SOURCE, e.routeSource());
        string(CACHE_STATUS, e.cacheStatus());
        string(TLS_VERSION, e.tlsVersion());
        string(TLS_CIPHER, e.tlsCipher());
        string(TLS_SERVER_NAME, e.tlsServerName());
        string(USER_AGENT, e.userAgent());
        string(REFERER, QueryRedaction.redactUrl(e.referer()));
        g.writeEndObject();
        g.writeRaw('\n');
        g.flush(); // into the writer's batch (memory): a copy of the line's bytes
    }

    private void string(SerializableString name, String value) throws IOException {
        g.writeFieldName(name);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeString(value);
        }
    }

    /** Milliseconds with microseconds as the fraction (trailing zeros left out: 12.04, 0.0), or null for -1. */
    private void millis(SerializableString name, long nanos) throws IOException {
        g.writeFieldName(name);
        if (nanos < 0) {
            g.writeNull();
            return;
        }
        int n = Decimals.millis(nanos, number);
        g.writeNumber(number, 0, n);
    }

    /** Fills {@link #time} with {@code epochMillis} in ISO 8601, UTC, with milliseconds. */
    private void time(long epochMillis) {
        long sec = Math.floorDiv(epochMillis, 1000L);
        if (sec != second) {
            String s = Instant.ofEpochSecond(sec).toString(); // yyyy-MM-ddTHH:mm:ssZ for years 0000-9999
            s.getChars(0, 19, time, 0);
            time[19] = '.';
            time[23] = 'Z';
            second = sec;
        }
        int ms = (int) Math.floorMod(epochMillis, 1000L);
        time[20] = (char) ('0' + ms / 100);
        time[21] = (char) ('0' + ms / 10 % 10);
        time[22] = (char) ('0' + ms % 10);
    }
}
