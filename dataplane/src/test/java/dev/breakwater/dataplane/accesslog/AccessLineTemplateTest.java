package dev.breakwater.dataplane.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.AccessLogFormat;
import dev.breakwater.routing.AccessLogFormat.Field;
import dev.breakwater.routing.AccessLogFormat.Part;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table's access-log line (log-format-upstream), written by the writer's format byte for byte. */
class AccessLineTemplateTest {

    private static AccessEntry entry(AccessLineTemplate line, String userAgent, String query) {
        return new AccessEntry(1_796_179_881_096L, "req-1", "4bf92f3577b34da6a3ce929d0e0e4736", "10.0.0.9",
                "203.0.113.7", "GET", "https", "a.example.com", "/p", query, "HTTP/1.1", 200, 5, 42, 35_596_400,
                "10.0.0.1:80", 201, 0, 12_040_000, 1, "a.example.com/#1", "Ingress/shop/web", "MISS", "TLSv1.3",
                "TLS_AES_128_GCM_SHA256", "a.example.com", userAgent, null, "http", line);
    }

    private static String write(AccessEntry e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new AccessLineFormat(AccessLogConfig.Format.JSON, out).write(e);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static AccessLineTemplate template(AccessLogFormat.Escape escape, Object... parts) {
        List<Part> list = java.util.Arrays.stream(parts)
                .map(p -> p instanceof Field f ? Part.field(f) : Part.text((String) p)).toList();
        return AccessLineTemplate.of(new AccessLogFormat(list, escape));
    }

    @Test
    void everyFieldIsWrittenAsNginxWritesItsVariable() {
        AccessLineTemplate line = template(AccessLogFormat.Escape.DEFAULT, Field.CLIENT_ADDRESS, " ",
                Field.PEER_ADDRESS, " [", Field.TIME_LOCAL, "] ", Field.TIME_ISO8601, " ", Field.TIME_MSEC, " \"",
                Field.REQUEST_LINE, "\" ", Field.STATUS, " ", Field.BODY_BYTES_SENT, " ", Field.REQUEST_TIME, " ",
                Field.UPSTREAM_ADDRESS, " ", Field.UPSTREAM_STATUS, " ", Field.UPSTREAM_CONNECT_TIME, " ",
                Field.UPSTREAM_HEADER_TIME, " ", Field.SOURCE_NAMESPACE, "/", Field.INGRESS_NAME, " ", Field.ROUTE,
                " ", Field.REQUEST_ID, " ", Field.TRACE_ID, " ", Field.CACHE_STATUS, " ", Field.TLS_PROTOCOL, " ",
                Field.TLS_CIPHER, " ", Field.TLS_SERVER_NAME, " ", Field.SCHEME, "://", Field.HOST, Field.PATH, " ",
                Field.QUERY, " ", Field.REFERER);

        assertThat(write(entry(line, "curl/8", "a=1&token=t"))).isEqualTo("203.0.113.7 10.0.0.9 "
                + "[02/Dec/2026:02:51:21 +0000] 2026-12-02T02:51:21+00:00 1796179881.096 \"GET /p?a=1&token=REDACTED "
                + "HTTP/1.1\" 200 42 0.036 10.0.0.1:80 201 0.000 0.012 shop/web a.example.com/#1 req-1 "
                + "4bf92f3577b34da6a3ce929d0e0e4736 MISS TLSv1.3 TLS_AES_128_GCM_SHA256 a.example.com "
                + "https://a.example.com/p a=1&token=REDACTED -\n");
    }

    @Test
    void valuesAreEscapedAsTheFormatSaysAndTheTextIsWrittenAsIs() {
        String agent = "c\"u\\r\tl é";
        assertThat(write(entry(template(AccessLogFormat.Escape.DEFAULT, "\"", Field.USER_AGENT, "\""), agent, null)))
                .isEqualTo("\"c\\x22u\\x5Cr\\x09l \\xC3\\xA9\"\n");
        assertThat(write(entry(template(AccessLogFormat.Escape.JSON, "{\"ua\":\"", Field.USER_AGENT, "\"}"), agent,
                null))).isEqualTo("{\"ua\":\"c\\\"u\\\\r\\tl é\"}\n");
        assertThat(write(entry(template(AccessLogFormat.Escape.NONE, Field.USER_AGENT), agent, null)))
                .isEqualTo(agent + "\n");
    }

    @Test
    void anUnknownValueIsADashAndWithoutATemplateTheLogsOwnFormatApplies() {
        AccessEntry none = new AccessEntry(0, "r", null, "127.0.0.1", null, "GET", "http", null, "/", null,
                "HTTP/1.1", 502, 0, 0, 1_000_000, null, 0, -1, -1, 0, null, null, null, null, null, null, null, null,
                "http", template(AccessLogFormat.Escape.DEFAULT, Field.HOST, " ", Field.UPSTREAM_ADDRESS, " ",
                        Field.UPSTREAM_STATUS, " ", Field.UPSTREAM_HEADER_TIME, " ", Field.INGRESS_NAME, " ",
                        Field.QUERY, " ", Field.USER_AGENT));
        assertThat(write(none)).isEqualTo("- - - - - - -\n");
        assertThat(write(entry(null, "curl/8", null))).startsWith("{\"time\":");
    }
}
