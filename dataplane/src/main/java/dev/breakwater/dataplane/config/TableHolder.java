package dev.breakwater.dataplane.config;

import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.backend.EndpointRegistry;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import dev.breakwater.dataplane.ratelimit.RateLimiters;
import dev.breakwater.dataplane.tls.CertificateStore;
import dev.breakwater.dataplane.tls.TlsContexts;
import dev.breakwater.routing.Certificate;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableChanges;
import dev.breakwater.dataplane.proxyprotocol.TrustedSources;
import java.util.List;
import java.util.Objects;

/**
 * The router and certificates being served. A swap compiles the new table (routes, regexes, TLS contexts)
 * on the caller's thread, then publishes it with volatile writes: requests already routed keep the route and
 * endpoint they have, new requests and handshakes see the new table, and no connection is touched. Rate limits that
 * did not change keep their buckets.
 */
public final class TableHolder {

    private final ProxyMetrics metrics;
    private final EndpointRegistry registry;
    private final RateLimiters limiters;
    private final TlsContexts tls;
    private final Certificate defaultCertificate;
    private final ProxyConfig config;
    private volatile ProxyConfig served;
    private volatile Router router;
    private volatile CertificateStore certificates;
    private volatile TrustedSources proxyProtocolFrom = TrustedSources.NONE;

    /**
     * @param tls                null when the data plane has no HTTPS listener
     * @param defaultCertificate served when no SNI name matches; null when {@code tls} is null
     * @param config             the proxy's limits, which routes fall back to
     */
    public TableHolder(ProxyMetrics metrics, TlsContexts tls, Certificate defaultCertificate,
                       EndpointRegistry registry, RateLimiters limiters, ProxyConfig config) {
        this.metrics = metrics;
        this.config = config;
        this.served = config;
        this.registry = registry;
        this.limiters = limiters;
        this.tls = tls;
        this.defaultCertificate = defaultCertificate;
        if (tls != null) {
            certificates = CertificateStore.build(RoutingTable.empty(), defaultCertificate, tls);
        }
    }

    /** The current router, or null before the first table. */
    public Router router() {
        return router;
    }

    /** The current certificates, or null without an HTTPS listener. */
    public CertificateStore certificates() {
        return certificates;
    }

    /**
     * The proxy's settings with the current table's in place of those it gives ({@link ProxyConfig#withTable}):
     * what a connection accepted now takes (idle timeout, request head size), and the pools after the swap.
     */
    public ProxyConfig config() {
        return served;
    }

    /**
     * The peers whose connections begin with a PROXY protocol header, as the current table says
     * ({@code use-proxy-protocol}); {@link TrustedSources#NONE} when it says nothing.
     */
    public TrustedSources proxyProtocolFrom() {
        return proxyProtocolFrom;
    }

    public boolean loaded() {
        return router != null;
    }

    /**
     * Compiles and publishes a table.
     *
     * @return the router now served
     * @throws IllegalArgumentException if the table is inconsistent (a route names a missing cluster, a bad
     *                                  regular expression, an unusable certificate); the current table keeps
     *                                  serving
     */
    public Router apply(RoutingTable table) {
        return apply(table, null);
    }

    /**
     * Compiles and publishes a table that differs from the one served by {@code changes} (as the deltas that made it
     * name them; null, or changes that do not lead from the table served to this one: found by comparing the two
     * tables). Only the parts changed are compiled, and looked at.
     *
     * @return the router now served
     * @throws IllegalArgumentException as {@link #apply(RoutingTable)}
     */
    public synchronized Router apply(RoutingTable table, TableChanges changes) {
        Objects.requireNonNull(table, "table");
        RateLimiters.Generation generation = limiters.next();
        ProxyConfig effective = config.withTable(table.edgeSettings());
        Router current = router;
        if (changes != null && (current == null || !changes.baseHash().equals(current.table().hash())
                || !changes.hash().equals(table.hash()))) {
            changes = null;
        }
        Router next = new Router(table, current, changes, metrics, registry, generation, effective);
        if (tls != null) {
            // the hosts the changes name are looked at; the store before is kept when no certificate changed
            CertificateStore store = CertificateStore.next(certificates, table, changes, defaultCertificate, tls);
            if (store != certificates) {
                certificates = store;
                tls.retainOnly(store.contexts());
                java.util.List<dev.breakwater.routing.Certificate> served =
                        new java.util.ArrayList<>(table.certificates());
                served.add(defaultCertificate);
                metrics.certificateExpiry().serving(served);
            }
        }
        served = effective;
        List<String> from = table.edgeSettings().proxyProtocolFrom();
        proxyProtocolFrom = from == null ? TrustedSources.NONE : TrustedSources.parse(from);
        router = next;
        generation.commit();
        metrics.tableApplied(table.version());
        if (next.routesLeft() != null) {
            metrics.forgetRoutes(next.routesLeft()); // only what the swap took out
        } else {
            metrics.retainRoutes(next.routeNames());
        }
        return next;
    }
}
