package dev.breakwater.routing;

import java.util.Objects;

/**
 * How an {@link L4Route} connects to its endpoints and how long its connections and sessions may live.
 *
 * @param balancer                 how a connection (or UDP session) picks an endpoint
 * @param connectTimeoutMillis     the longest wait for an endpoint to accept a TCP connection (> 0)
 * @param connectAttempts          endpoints tried in all when connecting fails (>= 1): a refused or timed-out
 *                                 connect is tried again on another endpoint
 * @param idleTimeoutMillis        a TCP connection with no byte either way for this long is closed (> 0)
 * @param drainTimeoutMillis       connections to an endpoint that left the table (or turned terminating) may run
 *                                 this long, then are closed (>= 0)
 * @param sendProxyProtocol        the PROXY protocol header written to the endpoint first ({@link
 *                                 ProxyProtocolVersion#NONE}: none)
 * @param maxSessions              UDP: the most client sessions of the listener (>= 1); datagrams of a new client
 *                                 beyond it are dropped
 * @param sessionIdleTimeoutMillis UDP: a session with no datagram either way for this long ends (> 0)
 */
public record L4Policy(Balancer balancer, long connectTimeoutMillis, int connectAttempts, long idleTimeoutMillis,
                       long drainTimeoutMillis, ProxyProtocolVersion sendProxyProtocol, int maxSessions,
                       long sessionIdleTimeoutMillis) {

    /** The balancing algorithms of L4 routes. */
    public enum Balancer {
        /** Smooth weighted round-robin over the ready endpoints. */
        ROUND_ROBIN,
        /** The endpoint with the fewest open connections per unit of weight (ties: round-robin order). */
        LEAST_CONNECTIONS,
        /** A consistent hash of the client address: a client keeps its endpoint while the endpoint stays. */
        SOURCE_HASH
    }

    /** Round-robin, 5 s connect, 3 attempts, 10 min idle, 30 s drain, no PROXY header, 10,000 sessions, 30 s. */
    public static final L4Policy DEFAULTS = new L4Policy(Balancer.ROUND_ROBIN, 5_000, 3, 600_000, 30_000,
            ProxyProtocolVersion.NONE, 10_000, 30_000);

    public L4Policy {
        Objects.requireNonNull(balancer, "balancer");
        sendProxyProtocol = sendProxyProtocol == null ? ProxyProtocolVersion.NONE : sendProxyProtocol;
        positive("connectTimeoutMillis", connectTimeoutMillis);
        positive("idleTimeoutMillis", idleTimeoutMillis);
        positive("sessionIdleTimeoutMillis", sessionIdleTimeoutMillis);
        if (connectAttempts < 1) {
            throw new IllegalArgumentException("connectAttempts: " + connectAttempts + " (expected: >= 1)");
        }
        if (drainTimeoutMillis < 0) {
            throw new IllegalArgumentException("drainTimeoutMillis: " + drainTimeoutMillis + " (expected: >= 0)");
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions: " + maxSessions + " (expected: >= 1)");
        }
    }

    public L4Policy withBalancer(Balancer value) {
        return new L4Policy(value, connectTimeoutMillis, connectAttempts, idleTimeoutMillis, drainTimeoutMillis,
                sendProxyProtocol, maxSessions, sessionIdleTimeoutMillis);
    }

    public L4Policy withConnectTimeoutMillis(long value) {
        return new L4Policy(balancer, value, connectAttempts, idleTimeoutMillis, drainTimeoutMillis,
                sendProxyProtocol, maxSessions, sessionIdleTimeoutMillis);
    }

    public L4Policy withConnectAttempts(int value) {
        return new L4Policy(balancer, connectTimeoutMillis, value, idleTimeoutMillis, drainTimeoutMillis,
                sendProxyProtocol, maxSessions, sessionIdleTimeoutMillis);
    }

    public L4Policy withIdleTimeoutMillis(long value) {
        return new L4Policy(balancer, connectTimeoutMillis, connectAttempts, value, drainTimeoutMillis,
                sendProxyProtocol, maxSessions, sessionIdleTimeoutMillis);
    }

    public L4Policy withDrainTimeoutMillis(long value) {
        return new L4Policy(balancer, connectTimeoutMillis, connectAttempts, idleTimeoutMillis, value,
                sendProxyProtocol, maxSessions, sessionIdleTimeoutMillis);
    }

    public L4Policy withSendProxyProtocol(ProxyProtocolVersion value) {
        return new L4Policy(balancer, connectTimeoutMillis, connectAttempts, idleTimeoutMillis, drainTimeoutMillis,
                value, maxSessions, sessionIdleTimeoutMillis);
    }

    public L4Policy withMaxSessions(int value) {
        return new L4Policy(balancer, connectTimeoutMillis, connectAttempts, idleTimeoutMillis, drainTimeoutMillis,
                sendProxyProtocol, value, sessionIdleTimeoutMillis);
    }

    public L4Policy withSessionIdleTimeoutMillis(long value) {
        return new L4Policy(balancer, connectTimeoutMillis, connectAttempts, idleTimeoutMillis, drainTimeoutMillis,
                sendProxyProtocol, maxSessions, value);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}
