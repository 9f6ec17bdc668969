package dev.breakwater.dataplane.filter;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * An answer a filter gives instead of forwarding the request.
 *
 * @param status  the status
 * @param message the text of the body (the proxy adds the request id), or null for no body
 * @param headers headers to add to the answer, or null
 */
public record LocalAnswer(HttpResponseStatus status, String message, HttpHeaders headers) {
}
