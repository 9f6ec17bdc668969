package dev.breakwater.routing;

/** A version of HAProxy's PROXY protocol, which tells a server the client's address ahead of its bytes. */
public enum ProxyProtocolVersion {
    /** No header. */
    NONE,
    /** The text header: {@code PROXY TCP4 203.0.113.7 192.0.2.1 51234 9000\r\n}. */
    V1,
    /** The binary header (TCP and UDP, IPv4 and IPv6). */
    V2
}
