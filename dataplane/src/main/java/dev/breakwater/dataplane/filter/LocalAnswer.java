package dev.breakwater.dataplane.filter;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * An answer a filter gives instead of forwarding the request.
 *
 * @param status   the status
 * @param message  the text of the body (the proxy adds the request id), or null for no body
 * @param headers  headers to add to the answer, or null
 * @param deniedBy for a refusal, what refused it ({@code allowlist}, {@code rate_limit}, {@code body_limit},
 *                 {@code client_certificate}: counted in {@code breakwater_requests_denied_total{reason}}); null for
 *                 an answer that is no refusal (a redirect, a CORS preflight, a fixed response)
 */
public record LocalAnswer(HttpResponseStatus status, String message, HttpHeaders headers, String deniedBy) {

    /** An answer that is no refusal. */
    public LocalAnswer(HttpResponseStatus status, String message, HttpHeaders headers) {
        this(status, message, headers, null);
    }

    /** A refusal by {@code reason} (a short, fixed word: it is a metric's label). */
    public static LocalAnswer denied(String reason, HttpResponseStatus status, String message, HttpHeaders headers) {
        return new LocalAnswer(status, message, headers, reason);
    }
}
