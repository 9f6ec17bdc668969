package dev.breakwater.dataplane.tls;

import dev.breakwater.routing.Certificate;
import dev.breakwater.routing.ClientAuth;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableChanges;
import dev.breakwater.routing.VirtualHost;
import io.netty.handler.ssl.SslContext;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The server contexts of one table, by SNI name: the exact name, else the {@code *.} wildcard covering its
 * first label, else the table's certificate for {@code *} (a Gateway's HTTPS listener without a hostname), else the
 * default certificate. A host whose virtual host asks for client certificates gets a
 * context that asks for them (with the table's certificate for that host, or the default one). A store is made from
 * the one before and the {@link TableChanges} of a swap ({@link #next}): the hosts the changes name are looked at, not
 * every host, and when neither the certificates, the TLS 1.2 ciphers nor any host's client certificates changed, the
 * store before is kept.
 */
public final class CertificateStore {

    /** What a handshake for a name uses. */
    public record Entry(SslContext context, String certificate, ClientAuth clientAuth) {
    }

    /** A host that asks for client certificates: its name and what it asks. */
    private record HostAuth(String hostname, ClientAuth auth) {
    }

    private final Map<String, Entry> exact = new HashMap<>();
    private final Map<String, Entry> wildcard = new HashMap<>();
    private Entry fallback;
    // what the store was made of, for the next swap
    private final List<Certificate> certificates;
    private final List<String> ciphers;
    private final Certificate defaultCertificate;
    /** The hosts that ask for client certificates, by host key; null when it could not be kept (two hosts of one key). */
    private final Map<String, HostAuth> hostAuth;

    private CertificateStore(Entry fallback, List<Certificate> certificates, List<String> ciphers,
                             Certificate defaultCertificate, Map<String, HostAuth> hostAuth) {
        this.fallback = fallback;
        this.certificates = certificates;
        this.ciphers = ciphers;
        this.defaultCertificate = defaultCertificate;
        this.hostAuth = hostAuth;
    }

    /**
     * Builds the contexts of a table.
     *
     * @throws IllegalArgumentException if a certificate of the table cannot be used
     */
    public static CertificateStore build(RoutingTable table, Certificate defaultCertificate, TlsContexts contexts) {
        Map<String, HostAuth> byKey = new HashMap<>();
        for (VirtualHost vh : table.virtualHosts()) {
            if (vh.clientAuth() != null && !vh.isCatchAll() && byKey.put(vh.key(),
                    new HostAuth(vh.hostname(), vh.clientAuth())) != null) {
                byKey = null;
                break;
            }
        }
        Map<String, ClientAuth> clientAuth = new HashMap<>();
        if (byKey == null) {
            for (VirtualHost vh : table.virtualHosts()) {
                if (vh.clientAuth() != null && !vh.isCatchAll()) {
                    clientAuth.put(vh.hostname(), vh.clientAuth()); // the last host of a name decides
                }
            }
        } else if (!byName(byKey, clientAuth)) {
            // two hosts of one name (on different listener ports): only the table's order says which decides
            return build(table, defaultCertificate, contexts, null, clientAuthInOrder(table));
        }
        return build(table, defaultCertificate, contexts, byKey, clientAuth);
    }

    /**
     * The contexts of {@code table}, made from {@code before} (the store of the table served) and the changes that
     * lead from that table to this one: only the hosts they name are looked at; {@code before} itself when nothing it
     * serves changed. With {@code changes} null, or a store before that could not keep its hosts, as {@link #build}.
     *
     * @throws IllegalArgumentException if a certificate of the table cannot be used
     */
    public static CertificateStore next(CertificateStore before, RoutingTable table, TableChanges changes,
                                        Certificate defaultCertificate, TlsContexts contexts) {
        if (before == null || changes == null || before.hostAuth == null) {
            return build(table, defaultCertificate, contexts);
        }
        Map<String, HostAuth> byKey = before.hostAuth;
        boolean authChanged = false;
        for (Map.Entry<String, VirtualHost> e : changes.hosts().entrySet()) {
            VirtualHost vh = e.getValue();
            HostAuth now = vh == null || vh.clientAuth() == null || vh.isCatchAll() ? null
                    : new HostAuth(vh.hostname(), vh.clientAuth());
            if (!java.util.Objects.equals(now, byKey.get(e.getKey()))) {
                if (!authChanged) {
                    byKey = new HashMap<>(byKey);
                    authChanged = true;
                }
                if (now == null) {
                    byKey.remove(e.getKey());
                } else {
                    byKey.put(e.getKey(), now);
                }
            }
        }
        List<String> ciphers = table.edgeSettings().tls12Ciphers();
        if (!authChanged && before.certificates.equals(table.certificates())
                && java.util.Objects.equals(before.ciphers, ciphers)
                && before.defaultCertificate.equals(defaultCertificate)) {
            return before;
        }
        Map<String, ClientAuth> clientAuth = new HashMap<>();
        if (!byName(byKey, clientAuth)) {
            return build(table, defaultCertificate, contexts);
        }
        return build(table, defaultCertificate, contexts, byKey, clientAuth);
    }

    /** Fills {@code out} with the client certificates asked by host name; false when two hosts have one name. */
    private static boolean byName(Map<String, HostAuth> byKey, Map<String, ClientAuth> out) {
        for (HostAuth h : byKey.values()) {
            if (out.put(h.hostname(), h.auth()) != null) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, ClientAuth> clientAuthInOrder(RoutingTable table) {
        Map<String, ClientAuth> clientAuth = new HashMap<>();
        for (VirtualHost vh : table.virtualHosts()) {
            if (vh.clientAuth() != null && !vh.isCatchAll()) {
                clientAuth.put(vh.hostname(), vh.clientAuth());
            }
        }
        return clientAuth;
    }

    private static CertificateStore build(RoutingTable table, Certificate defaultCertificate, TlsContexts contexts,
                                          Map<String, HostAuth> hostAuth, Map<String, ClientAuth> clientAuth) {
        List<String> ciphers = table.edgeSettings().tls12Ciphers();
        CertificateStore store = new CertificateStore(new Entry(contexts.server(defaultCertificate, null, ciphers),
                defaultCertificate.name(), null), table.certificates(), ciphers, defaultCertificate, hostAuth);
        Set<String> covered = new HashSet<>();
        for (Certificate c : table.certificates()) {
            for (String host : c.hosts()) {
                String h = host.toLowerCase(Locale.ROOT);
                if (!covered.add(h)) {
                    continue; // the first certificate naming a host serves it
                }
                if (h.equals(VirtualHost.CATCH_ALL)) {
                    store.fallback = new Entry(contexts.server(c, null, ciphers), c.name(), null);
                    continue;
                }
                ClientAuth auth = clientAuth.get(h);
                store.put(h, new Entry(contexts.server(c, auth, ciphers), c.name(), auth));
            }
        }
        for (Map.Entry<String, ClientAuth> e : clientAuth.entrySet()) {
            if (!covered.contains(e.getKey())) {
                store.put(e.getKey(), new Entry(contexts.server(defaultCertificate, e.getValue(), ciphers),
                        defaultCertificate.name(), e.getValue()));
            }
        }
        return store;
    }

    private void put(String host, Entry entry) {
        if (host.startsWith("*.")) {
            wildcard.put(host.substring(2), entry);
        } else {
            exact.put(host, entry);
        }
    }

    /** The entry for an SNI name (null or unknown: the default certificate). */
    public Entry lookup(String sniHost) {
        if (sniHost == null || sniHost.isEmpty()) {
            return fallback;
        }
        String h = sniHost.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        Entry e = exact.get(h);
        if (e != null) {
            return e;
        }
        int dot = h.indexOf('.');
        if (dot > 0) {
            e = wildcard.get(h.substring(dot + 1));
            if (e != null) {
                return e;
            }
        }
        return fallback;
    }

    /** Every context in use, for cache upkeep. */
    public Set<SslContext> contexts() {
        Set<SslContext> all = new HashSet<>();
        all.add(fallback.context());
        exact.values().forEach(e -> all.add(e.context()));
        wildcard.values().forEach(e -> all.add(e.context()));
        return all;
    }
}
