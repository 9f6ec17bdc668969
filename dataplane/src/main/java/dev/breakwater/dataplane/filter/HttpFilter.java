package dev.breakwater.dataplane.filter;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * One step of a route's request path: built once per table (regexes compiled, CIDRs parsed, values interned) and
 * shared by every event loop, so it holds no per-request state. A filter sees the request head and may answer it
 * itself, and sees the head of the response on its way to the client; it never touches a connection, so it is
 * tested with plain calls.
 */
public interface HttpFilter {

    /**
     * The request head, before it is forwarded (it may be changed in place).
     *
     * @return the answer to give instead of forwarding, or null to go on
     */
    default LocalAnswer onRequest(FilterContext request) {
        return null;
    }

    /** The head of a response on its way to the client, from the endpoint or the cache; its headers may change. */
    default void onResponse(FilterContext request, HttpHeaders response) {
    }
}
