package dev.breakwater.dataplane.auth;

import dev.breakwater.dataplane.filter.LocalAnswer;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * What a route's authentication decided about a request.
 *
 * @param denial    the answer to give instead of forwarding (401, 403, a redirect to sign in, 500, 503), or null
 *                  when the request may go on
 * @param upstream  headers that replace the request's before it is forwarded (null or empty: none); a name with no
 *                  value removes the header
 * @param cookies   {@code Set-Cookie} values for the response to the client, or an empty list
 */
public record AuthVerdict(LocalAnswer denial, HttpHeaders upstream, List<String> cookies) {

    /** The request may go on, as it is. */
    public static final AuthVerdict ALLOW = new AuthVerdict(null, null, List.of());

    public boolean allowed() {
        return denial == null;
    }

    static AuthVerdict deny(LocalAnswer answer) {
        return new AuthVerdict(answer, null, List.of());
    }
}
