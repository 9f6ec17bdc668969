package dev.breakwater.dataplane.tls;

import dev.breakwater.routing.Certificate;
import dev.breakwater.routing.ClientAuth;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import io.netty.handler.ssl.SslContext;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The server contexts of one table, by SNI name: the exact name, else the {@code *.} wildcard covering its
 * first label, else the table's certificate for {@code *} (a Gateway's HTTPS listener without a hostname), else the
 * default certificate. A host whose virtual host asks for client certificates gets a
 * context that asks for them (with the table's certificate for that host, or the default one).
 */
public final class CertificateStore {

    /** What a handshake for a name uses. */
    public record Entry(SslContext context, String certificate, ClientAuth clientAuth) {
    }

    private final Map<String, Entry> exact = new HashMap<>();
    private final Map<String, Entry> wildcard = new HashMap<>();
    private Entry fallback;

    private CertificateStore(Entry fallback) {
        this.fallback = fallback;
    }

    /**
     * Builds the contexts of a table.
     *
     * @throws IllegalArgumentException if a certificate of the table cannot be used
     */
    public static CertificateStore build(RoutingTable table, Certificate defaultCertificate, TlsContexts contexts) {
        java.util.List<String> ciphers = table.edgeSettings().tls12Ciphers();
        CertificateStore store = new CertificateStore(new Entry(contexts.server(defaultCertificate, null, ciphers),
                defaultCertificate.name(), null));
        Map<String, ClientAuth> clientAuth = new HashMap<>();
        for (VirtualHost vh : table.virtualHosts()) {
            if (vh.clientAuth() != null && !vh.isCatchAll()) {
                clientAuth.put(vh.hostname(), vh.clientAuth());
            }
        }
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
