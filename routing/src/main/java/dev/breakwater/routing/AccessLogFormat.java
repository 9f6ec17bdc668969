package dev.breakwater.routing;

import java.util.List;
import java.util.Objects;

/**
 * The line of the data plane's access log as the table gives it (ingress-nginx's {@code log-format-upstream}): text
 * and fields in order, each field written as the data plane knows it ({@code -} when unknown), escaped as
 * {@link #escape} says. A data plane whose access log is on writes this line in place of its own format.
 *
 * @param parts  the text and fields of a line, in order
 * @param escape how field values are escaped (the text is written as is)
 */
public record AccessLogFormat(List<Part> parts, Escape escape) {

    /** How a field's value is escaped, as nginx's {@code log_format escape=}. */
    public enum Escape {
        /** {@code "}, {@code \}, control characters and bytes from 0x7f as {@code \xHH}. */
        DEFAULT,
        /** As in a JSON string. */
        JSON,
        /** Nothing escaped. */
        NONE
    }

    /** What the data plane knows of a request, as a log field. */
    public enum Field {
        /** The client's address: the one a trusted peer named in its forwarded header, else the connection's. */
        CLIENT_ADDRESS,
        /** The address of the connection's peer (or the PROXY protocol's source). */
        PEER_ADDRESS,
        /** When the request ended, as nginx's {@code $time_local} (in UTC). */
        TIME_LOCAL,
        /** When the request ended, ISO 8601 ({@code 2026-12-03T01:02:03+00:00}). */
        TIME_ISO8601,
        /** When the request ended, epoch seconds with milliseconds ({@code 1764723723.123}). */
        TIME_MSEC,
        /** The request line: method, path with query, protocol. */
        REQUEST_LINE,
        METHOD,
        /** The request path, without the query. */
        PATH,
        /** The request path with {@code ?} and the query when there is one. */
        PATH_AND_QUERY,
        /** The query, without {@code ?}. */
        QUERY,
        /** HTTP/1.0, HTTP/1.1 or HTTP/2.0. */
        PROTOCOL,
        /** http or https. */
        SCHEME,
        HOST,
        /** The status sent to the client. */
        STATUS,
        /** Response body bytes sent to the client. */
        BODY_BYTES_SENT,
        /** From the request head to the end, in seconds with milliseconds. */
        REQUEST_TIME,
        /** The endpoint of the last attempt ({@code ip:port}). */
        UPSTREAM_ADDRESS,
        /** The status of the endpoint's last answer. */
        UPSTREAM_STATUS,
        /** The time to connect to the endpoint of the last attempt, in seconds with milliseconds. */
        UPSTREAM_CONNECT_TIME,
        /** From sending the last attempt to its response head, in seconds with milliseconds. */
        UPSTREAM_HEADER_TIME,
        /** The route's name. */
        ROUTE,
        /** The namespace of the Ingress (or Route) the route came from. */
        SOURCE_NAMESPACE,
        /** The name of the Ingress the route came from. */
        INGRESS_NAME,
        REQUEST_ID,
        /** The trace id of the request's W3C {@code traceparent}. */
        TRACE_ID,
        /** The response cache's verdict (HIT, MISS ...). */
        CACHE_STATUS,
        TLS_PROTOCOL,
        TLS_CIPHER,
        TLS_SERVER_NAME,
        USER_AGENT,
        REFERER
    }

    /**
     * Text written as is, or a field.
     *
     * @param text  the text, or null for a field
     * @param field the field, or null for text
     */
    public record Part(String text, Field field) {
        public Part {
            if ((text == null) == (field == null)) {
                throw new IllegalArgumentException("part: text " + text + ", field " + field
                        + " (expected: one of them)");
            }
        }

        public static Part text(String text) {
            return new Part(Objects.requireNonNull(text, "text"), null);
        }

        public static Part field(Field field) {
            return new Part(null, Objects.requireNonNull(field, "field"));
        }
    }

    public AccessLogFormat {
        parts = List.copyOf(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("parts: empty (expected: at least one)");
        }
        Objects.requireNonNull(escape, "escape");
    }
}
