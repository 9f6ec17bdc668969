package dev.breakwater.operator.annotation;

import dev.breakwater.routing.AccessLogFormat;
import dev.breakwater.routing.AccessLogFormat.Field;
import dev.breakwater.routing.AccessLogFormat.Part;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ingress-nginx's {@code log-format-upstream}, an nginx {@code log_format}, read into the data plane's access-log
 * line: the text as is, each nginx variable as the field of the access log that holds the same thing. A variable the
 * access log has no equivalent of is a warning naming it, and is written {@code -} (as nginx writes an empty
 * variable).
 */
public final class NginxLogFormat {

    /** nginx's variables and the fields that hold the same. */
    private static final Map<String, Field> SAME = Map.ofEntries(
            Map.entry("remote_addr", Field.CLIENT_ADDRESS),
            Map.entry("realip_remote_addr", Field.PEER_ADDRESS),
            Map.entry("time_local", Field.TIME_LOCAL),
            Map.entry("time_iso8601", Field.TIME_ISO8601),
            Map.entry("msec", Field.TIME_MSEC),
            Map.entry("request", Field.REQUEST_LINE),
            Map.entry("request_method", Field.METHOD),
            Map.entry("uri", Field.PATH),
            Map.entry("document_uri", Field.PATH),
            Map.entry("request_uri", Field.PATH_AND_QUERY),
            Map.entry("args", Field.QUERY),
            Map.entry("query_string", Field.QUERY),
            Map.entry("server_protocol", Field.PROTOCOL),
            Map.entry("scheme", Field.SCHEME),
            Map.entry("host", Field.HOST),
            Map.entry("status", Field.STATUS),
            Map.entry("body_bytes_sent", Field.BODY_BYTES_SENT),
            Map.entry("request_time", Field.REQUEST_TIME),
            Map.entry("upstream_addr", Field.UPSTREAM_ADDRESS),
            Map.entry("upstream_status", Field.UPSTREAM_STATUS),
            Map.entry("upstream_connect_time", Field.UPSTREAM_CONNECT_TIME),
            Map.entry("upstream_header_time", Field.UPSTREAM_HEADER_TIME),
            Map.entry("namespace", Field.SOURCE_NAMESPACE),
            Map.entry("ingress_name", Field.INGRESS_NAME),
            Map.entry("req_id", Field.REQUEST_ID),
            Map.entry("request_id", Field.REQUEST_ID),
            Map.entry("opentelemetry_trace_id", Field.TRACE_ID),
            Map.entry("otel_trace_id", Field.TRACE_ID),
            Map.entry("upstream_cache_status", Field.CACHE_STATUS),
            Map.entry("ssl_protocol", Field.TLS_PROTOCOL),
            Map.entry("ssl_cipher", Field.TLS_CIPHER),
            Map.entry("ssl_server_name", Field.TLS_SERVER_NAME),
            Map.entry("http_user_agent", Field.USER_AGENT),
            Map.entry("http_referer", Field.REFERER));

    /** Variables written from a field that is close but not the same, with what differs. */
    private static final Map<String, Field> CLOSE = Map.of("proxy_upstream_name", Field.ROUTE);

    private static final Map<String, String> CLOSE_BECAUSE = Map.of("proxy_upstream_name",
            "written as the route's name (ingress-nginx writes namespace-service-port)");

    /**
     * The line of {@code value}, or null when it holds nothing.
     *
     * @param escape   how field values are escaped
     * @param warnings each variable without an equivalent (or written from a close one), once
     */
    public static AccessLogFormat read(String value, AccessLogFormat.Escape escape, List<String> warnings) {
        List<Part> parts = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        Set<String> missing = new LinkedHashSet<>();
        Set<String> close = new LinkedHashSet<>();
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            String name = null;
            int end = i + 1;
            if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '{') {
                int closing = value.indexOf('}', i + 2);
                if (closing > i + 2) {
                    name = value.substring(i + 2, closing);
                    end = closing + 1;
                }
            } else if (c == '$') {
                end = i + 1;
                while (end < value.length() && isNameChar(value.charAt(end))) {
                    end++;
                }
                name = end > i + 1 ? value.substring(i + 1, end) : null;
            }
            if (name == null) {
                text.append(c);
                i++;
                continue;
            }
            if (!text.isEmpty()) {
                parts.add(Part.text(text.toString()));
                text.setLength(0);
            }
            Field field = SAME.get(name);
            if (field == null && CLOSE.containsKey(name)) {
                field = CLOSE.get(name);
                close.add(name);
            }
            if (field == null) {
                missing.add("$" + name);
                parts.add(Part.text("-"));
            } else {
                parts.add(Part.field(field));
            }
            i = end;
        }
        if (!text.isEmpty()) {
            parts.add(Part.text(text.toString()));
        }
        for (String name : close) {
            warnings.add("$" + name + " is " + CLOSE_BECAUSE.get(name));
        }
        if (!missing.isEmpty()) {
            warnings.add(String.join(", ", missing) + (missing.size() == 1 ? " has" : " have")
                    + " no equivalent in Breakwater's access log and " + (missing.size() == 1 ? "is" : "are")
                    + " written as \"-\"");
        }
        return parts.isEmpty() ? null : new AccessLogFormat(mergeText(parts), escape);
    }

    private static List<Part> mergeText(List<Part> parts) {
        List<Part> merged = new ArrayList<>();
        for (Part p : parts) {
            int last = merged.size() - 1;
            if (p.text() != null && last >= 0 && merged.get(last).text() != null) {
                merged.set(last, Part.text(merged.get(last).text() + p.text()));
            } else {
                merged.add(p);
            }
        }
        return merged;
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    private NginxLogFormat() {
    }
}
