package dev.breakwater.dataplane.filter;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/** HSTS: {@code Strict-Transport-Security} on HTTPS responses that do not carry one of their own. */
final class HstsFilter implements HttpFilter {

    static final AsciiString STRICT_TRANSPORT_SECURITY = AsciiString.cached("strict-transport-security");

    private final String value;

    HstsFilter(String value) {
        this.value = value;
    }

    @Override
    public void onResponse(FilterContext request, HttpHeaders response) {
        if (request.https() && !response.contains(STRICT_TRANSPORT_SECURITY)) {
            response.set(STRICT_TRANSPORT_SECURITY, value);
        }
    }
}
