package dev.breakwater.dataplane.frontend;

import io.netty.util.AsciiString;

/** Names of the headers the proxy adds to requests it forwards. */
final class ForwardedHeaders {

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
    static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");

    private ForwardedHeaders() {
    }
}
