package dev.breakwater.dataplane.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Lines as the writer writes them, byte for byte: one kept JSON generator, several lines in a row, and text. */
class AccessLineFormatTest {

    private static AccessEntry entry(long timeMillis, long durationNanos, long connectNanos, String query) {
        return new AccessEntry(timeMillis, "req-1", null, "127.0.0.1", null, "GET", "http", "a.example.com",
                "/p", query, "HTTP/1.1", 200, 0, 42, durationNanos, "10.0.0.1:80", 200, connectNanos, 12_040_000, 1,
                "a.example.com/#1", "Ingress/default/web", null, null, null, null, "curl/8 \"q\"", null, "http");
    }

    @Test
    void jsonLinesFromOneGeneratorAreEachWholeAndExact() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AccessLineFormat f = new AccessLineFormat(AccessLogConfig.Format.JSON, out);
        f.write(entry(1_796_179_881_096L, 35_596_400, 0, "a=1&token=t"));
        f.write(new AccessEntry(1_796_179_881_000L, "req-1", null, "127.0.0.1", null, "GET", "https",
                "a.example.com:8443", "/p", null, "HTTP/2.0", 200, 0, 42, 999_999_999_999L, null, 0, -1, -1, 0, null,
                null, null, null, null, null, null, null, "http"));
        f.write(entry(0, 500, 1_787_000, null));
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);

        assertThat(lines).hasSize(4);
        assertThat(lines[3]).as("each line ends with a newline").isEmpty();
        assertThat(lines[0]).isEqualTo("{\"time\":\"2026-12-02T02:51:21.096Z\",\"request_id\":\"req-1\","
                + "\"trace_id\":null,\"client_address\":\"127.0.0.1\",\"forwarded_for\":null,\"kind\":\"http\","
                + "\"method\":\"GET\",\"scheme\":\"http\",\"host\":\"a.example.com\",\"path\":\"/p\","
                + "\"query\":\"a=1&token=REDACTED\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"bytes_received\":0,"
                + "\"bytes_sent\":42,\"duration_ms\":35.596,\"upstream_address\":\"10.0.0.1:80\","
                + "\"upstream_status\":200,\"upstream_connect_ms\":0.0,\"upstream_header_ms\":12.04,\"attempts\":1,"
                + "\"route\":\"a.example.com/#1\",\"route_source\":\"Ingress/default/web\",\"cache_status\":null,"
                + "\"tls_version\":null,\"tls_cipher\":null,\"tls_server_name\":null,"
                + "\"user_agent\":\"curl/8 \\\"q\\\"\",\"referer\":null}");
        assertThat(lines[1]).as("the same second again, a whole millisecond").contains(
                "\"time\":\"2026-12-02T02:51:21.000Z\"", "\"duration_ms\":1000000.0,",
                "\"upstream_connect_ms\":null,", "\"host\":\"a.example.com\",");
        assertThat(lines[2]).contains("\"time\":\"1970-01-01T00:00:00.000Z\"", "\"duration_ms\":0.001,",
                "\"upstream_connect_ms\":1.787,");
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 3; i++) {
            assertThat(json.readTree(lines[i]).size()).as("every field on line " + i).isEqualTo(29);
        }
    }

    @Test
    void textLinesAreNginxCombinedThenOurFields() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new AccessLineFormat(AccessLogConfig.Format.TEXT, out).write(entry(1_796_179_881_096L, 13_400_000, 0,
                "q=1&password=p"));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("127.0.0.1 - - [02/Dec/2026:02:51:21 +0000] "
                + "\"GET /p?q=1&password=REDACTED HTTP/1.1\" 200 42 \"-\" \"curl/8 \\x22q\\x22\" 0 0.013 "
                + "[a.example.com/#1] 10.0.0.1:80 0.012 200 req-1\n");
    }

    @Test
    void decimalsAreWrittenWithoutDoubles() {
        char[] buf = new char[24];
        assertThat(new String(buf, 0, Decimals.millis(0, buf))).isEqualTo("0.0");
        assertThat(new String(buf, 0, Decimals.millis(12_040_000, buf))).isEqualTo("12.04");
        assertThat(new String(buf, 0, Decimals.millis(35_596_499, buf))).isEqualTo("35.596");
        assertThat(new String(buf, 0, Decimals.millis(35_596_500, buf))).as("rounded").isEqualTo("35.597");
        assertThat(new String(buf, 0, Decimals.millis(5_000, buf))).isEqualTo("0.005");
        assertThat(new String(buf, 0, Decimals.millis(Long.MAX_VALUE - 1000, buf))).isEqualTo("9223372036854.775");
        StringBuilder b = new StringBuilder();
        Decimals.seconds(13_400_000, b);
        b.append(' ');
        Decimals.seconds(2_000_000_000L, b);
        assertThat(b).hasToString("0.013 2.000");
    }
}
