package dev.breakwater.dataplane.filter;

import io.netty.util.AsciiString;

/** Names of the headers the proxy adds to requests it forwards (and, for the request id, to its answers). */
public final class ForwardedHeaders {

    public static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    public static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    public static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    public static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
    public static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
    public static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");

    private ForwardedHeaders() {
    }
}
