package dev.breakwater.dataplane.accesslog;

import dev.breakwater.dataplane.request.Authority;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;

/**
 * Writes {@link AccessEntry}s as JSON lines into one output, for the writer thread only. Made once per writer and kept
 * (until a line fails): each line is made whole in a {@link JsonBytes} (field names encoded once, the time's date part
 * formatted once per second, durations written as decimals without going through a {@code double}'s string) and then
 * copied into the output, so a line that fails leaves nothing behind. The field names are a contract
 * (docs/observability.md lists them): every field on every line, in this order, null when unknown.
 */
final class JsonAccessLine {

    private static final byte[] TIME = JsonBytes.name("time", true);
    private static final byte[] REQUEST_ID = name("request_id");
    private static final byte[] TRACE_ID = name("trace_id");
    private static final byte[] CLIENT_ADDRESS = name("client_address");
    private static final byte[] FORWARDED_FOR = name("forwarded_for");
    private static final byte[] KIND = name("kind");
    private static final byte[] METHOD = name("method");
    private static final byte[] SCHEME = name("scheme");
    private static final byte[] HOST = name("host");
    private static final byte[] PATH = name("path");
    private static final byte[] QUERY = name("query");
    private static final byte[] PROTOCOL = name("protocol");
    private static final byte[] STATUS = name("status");
    private static final byte[] BYTES_RECEIVED = name("bytes_received");
    private static final byte[] BYTES_SENT = name("bytes_sent");
    private static final byte[] DURATION_MS = name("duration_ms");
    private static final byte[] UPSTREAM_ADDRESS = name("upstream_address");
    private static final byte[] UPSTREAM_STATUS = name("upstream_status");
    private static final byte[] UPSTREAM_CONNECT_MS = name("upstream_connect_ms");
    private static final byte[] UPSTREAM_HEADER_MS = name("upstream_header_ms");
    private static final byte[] ATTEMPTS = name("attempts");
    private static final byte[] ROUTE = name("route");
    private static final byte[] ROUTE_SOURCE = name("route_source");
    private static final byte[] CACHE_STATUS = name("cache_status");
    private static final byte[] TLS_VERSION = name("tls_version");
    private static final byte[] TLS_CIPHER = name("tls_cipher");
    private static final byte[] TLS_SERVER_NAME = name("tls_server_name");
    private static final byte[] USER_AGENT = name("user_agent");
    private static final byte[] REFERER = name("referer");
    /** A line longer than this gives its buffer back after it is written. */
    private static final int KEPT_LINE_BYTES = 64 * 1024;

    private final OutputStream out;
    private JsonBytes line = new JsonBytes();
    /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} of the last line; its first 19 characters are those of {@link #second}. */
    private final char[] time = new char[24];
    private long second = Long.MIN_VALUE;
    private final char[] number = new char[24];

    JsonAccessLine(OutputStream out) {
        this.out = out;
    }

    private static byte[] name(String s) {
        return JsonBytes.name(s, false);
    }

    /** Writes the line of {@code e} with its newline into the output, whole or (on an exception) not at all. */
    void write(AccessEntry e) throws IOException {
        JsonBytes j = line;
        j.clear();
        j.raw(TIME);
        time(e.timeMillis());
        j.raw('"');
        j.ascii(time, time.length);
        j.raw('"');
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
        number(STATUS, e.status());
        number(BYTES_RECEIVED, e.bytesReceived());
        number(BYTES_SENT, e.bytesSent());
        millis(DURATION_MS, e.durationNanos());
        string(UPSTREAM_ADDRESS, e.upstreamAddress());
        j.raw(UPSTREAM_STATUS);
        if (e.upstreamStatus() > 0) {
            j.number(e.upstreamStatus());
        } else {
            j.nullValue();
        }
        millis(UPSTREAM_CONNECT_MS, e.upstreamConnectNanos());
        millis(UPSTREAM_HEADER_MS, e.upstreamHeaderNanos());
        number(ATTEMPTS, e.attempts());
        string(ROUTE, e.route());
        string(ROUTE_SOURCE, e.routeSource());
        string(CACHE_STATUS, e.cacheStatus());
        string(TLS_VERSION, e.tlsVersion());
        string(TLS_CIPHER, e.tlsCipher());
        string(TLS_SERVER_NAME, e.tlsServerName());
        string(USER_AGENT, e.userAgent());
        string(REFERER, QueryRedaction.redactUrl(e.referer()));
        j.raw('}');
        j.raw('\n');
        j.writeTo(out);
        if (j.capacity() > KEPT_LINE_BYTES) {
            line = new JsonBytes();
        }
    }

    private void string(byte[] name, String value) {
        line.raw(name);
        line.string(value);
    }

    private void number(byte[] name, long value) {
        line.raw(name);
        line.number(value);
    }

    /** Milliseconds with microseconds as the fraction (trailing zeros left out: 12.04, 0.0), or null for -1. */
    private void millis(byte[] name, long nanos) {
        line.raw(name);
        if (nanos < 0) {
            line.nullValue();
            return;
        }
        int n = Decimals.millis(nanos, number);
        line.ascii(number, n);
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
