package dev.breakwater.dataplane.l4;

/**
 * The data plane's own limits for L4 listeners (the table's routes carry the rest).
 *
 * @param backlog                          the accept queue of each TCP listener (>= 1)
 * @param maxClientHelloLength             the largest TLS ClientHello read to find its SNI name, in bytes (>= 1)
 * @param clientHelloTimeoutMillis         the longest wait for that ClientHello (> 0)
 * @param proxyProtocolHeaderTimeoutMillis the longest wait for a trusted peer's PROXY protocol header (> 0)
 */
public record L4Settings(int backlog, int maxClientHelloLength, long clientHelloTimeoutMillis,
                         long proxyProtocolHeaderTimeoutMillis) {

    /** Backlog 4096, ClientHello up to 16 KiB within 10 s, PROXY header within 5 s. */
    public static final L4Settings DEFAULTS = new L4Settings(4096, 16 * 1024, 10_000, 5_000);

    public L4Settings {
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog: " + backlog + " (expected: >= 1)");
        }
        if (maxClientHelloLength < 1) {
            throw new IllegalArgumentException("maxClientHelloLength: " + maxClientHelloLength + " (expected: >= 1)");
        }
        if (clientHelloTimeoutMillis <= 0) {
            throw new IllegalArgumentException("clientHelloTimeoutMillis: " + clientHelloTimeoutMillis
                    + " (expected: > 0)");
        }
        if (proxyProtocolHeaderTimeoutMillis <= 0) {
            throw new IllegalArgumentException("proxyProtocolHeaderTimeoutMillis: " + proxyProtocolHeaderTimeoutMillis
                    + " (expected: > 0)");
        }
    }
}
