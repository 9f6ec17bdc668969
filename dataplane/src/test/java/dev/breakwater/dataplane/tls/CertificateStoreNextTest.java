package dev.breakwater.dataplane.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.routing.Certificate;
import dev.breakwater.routing.ClientAuth;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.EdgeSettings;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.ListenerPort;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableChanges;
import dev.breakwater.routing.VirtualHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A certificate store made from the one before and a swap's changes ({@link CertificateStore#next}) answers every SNI
 * name as a store built from the whole table does, over random changes of hosts (added, removed, their client
 * certificates asked or not, their routes only, on a listener port or not), certificates (added, removed, their
 * names and hosts) and ciphers; and it is the very store before when nothing it serves changed.
 */
class CertificateStoreNextTest {

    private static final TestPki PKI = TestPki.create("store-ca");
    private static final TestPki.Issued ISSUED = PKI.server("a.store.test");
    private static final Certificate DEFAULT = ISSUED.forHosts("default");
    private static final List<ClientAuth> AUTHS = List.of(new ClientAuth(PKI.caPem(), true),
            new ClientAuth(PKI.caPem(), false));
    private static final List<String> NAMES = List.of("a.store.test", "b.store.test", "c.store.test", "*.store.test",
            "*.x.store.test", "d.x.store.test", "e.store.test", "*");

    private final Random random = new Random(20261203);
    private int serial;

    @Test
    void aStoreMadeFromChangesAnswersAsOneBuiltWhole() {
        TlsContexts contexts = new TlsContexts();
        List<VirtualHost> hosts = new ArrayList<>();
        for (String name : NAMES) {
            if (random.nextBoolean()) {
                hosts.add(host(name, null));
            }
        }
        List<Certificate> certificates = new ArrayList<>(List.of(certificate(), certificate()));
        RoutingTable table = table(hosts, certificates, null);
        CertificateStore store = CertificateStore.build(table, DEFAULT, contexts);
        int kept = 0;
        int made = 0;
        for (int step = 0; step < 300; step++) {
            List<VirtualHost> nextHosts = new ArrayList<>(table.virtualHosts());
            List<Certificate> nextCertificates = new ArrayList<>(table.certificates());
            List<String> ciphers = table.edgeSettings().tls12Ciphers();
            boolean servedChanges = mutate(nextHosts, nextCertificates);
            if (random.nextInt(15) == 0) {
                ciphers = ciphers == null ? List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256") : null;
                servedChanges = true;
            }
            RoutingTable next = table(nextHosts, nextCertificates, ciphers);
            TableChanges changes = TableChanges.between(table, next);
            CertificateStore fromChanges = CertificateStore.next(store, next, changes, DEFAULT, contexts);
            CertificateStore whole = CertificateStore.build(next, DEFAULT, contexts);
            if (!servedChanges && !twoAskingOfOneName(table)) {
                assertThat(fromChanges).as("step %d: the store before, nothing it serves changed", step)
                        .isSameAs(store);
            }
            if (fromChanges == store) {
                kept++;
            } else {
                made++;
            }
            for (String name : asked(next)) {
                assertThat(fromChanges.lookup(name)).as("step %d: %s", step, name).isEqualTo(whole.lookup(name));
            }
            assertThat(fromChanges.contexts()).as("step %d: contexts", step).isEqualTo(whole.contexts());
            table = next;
            store = fromChanges;
        }
        assertThat(kept).as("stores kept").isGreaterThan(50);
        assertThat(made).as("stores made again").isGreaterThan(50);
    }

    /** One random change; false when it cannot change what the store serves (client certificates, certificates). */
    private boolean mutate(List<VirtualHost> hosts, List<Certificate> certificates) {
        int what = random.nextInt(10);
        String name = NAMES.get(random.nextInt(NAMES.size()));
        int at = indexOf(hosts, name);
        switch (what) {
            case 0, 1 -> { // a host's routes only
                if (at >= 0) {
                    VirtualHost was = hosts.get(at);
                    hosts.set(at, new VirtualHost(was.hostname(), List.of(route("r" + serial++)), was.clientAuth(),
                            null, null, was.listener()));
                }
                return false;
            }
            case 2 -> { // a host added or removed, without client certificates
                if (at >= 0 && hosts.get(at).clientAuth() == null) {
                    hosts.remove(at);
                } else if (at < 0) {
                    hosts.add(random.nextInt(hosts.size() + 1), host(name, null));
                }
                return false;
            }
            case 3, 4 -> { // client certificates asked, changed or no longer asked (or a host with them added, removed)
                ClientAuth auth = random.nextInt(3) == 0 ? null : AUTHS.get(random.nextInt(AUTHS.size()));
                if (at >= 0) {
                    VirtualHost was = hosts.get(at);
                    if (auth == null && random.nextBoolean()) {
                        hosts.remove(at);
                    } else {
                        hosts.set(at, new VirtualHost(was.hostname(), was.routes(), auth, null, null, was.listener()));
                    }
                } else {
                    hosts.add(host(name, auth));
                }
                return true;
            }
            case 5 -> { // the same name on a listener port, with its own client certificates
                if (indexOf(hosts, name, 9443) < 0) {
                    hosts.add(new VirtualHost(name, List.of(route("p" + serial++)),
                            AUTHS.get(random.nextInt(AUTHS.size())), null, null, new ListenerPort(9443, true)));
                } else {
                    hosts.remove(indexOf(hosts, name, 9443));
                }
                return true;
            }
            case 6, 7 -> { // a certificate added, removed or its hosts changed
                int c = random.nextInt(certificates.size() + 1);
                if (c == certificates.size()) {
                    certificates.add(certificate());
                } else if (random.nextBoolean() && certificates.size() > 1) {
                    certificates.remove(c);
                } else {
                    certificates.set(c, certificate());
                }
                return true;
            }
            default -> { // nothing but the table's version, or a host moved in the table's order
                if (hosts.size() > 1 && random.nextBoolean()) {
                    hosts.add(hosts.remove(0));
                }
                return false;
            }
        }
    }

    /** Two hosts of one name asking for client certificates: only the table's order says which decides, read whole. */
    private static boolean twoAskingOfOneName(RoutingTable table) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (VirtualHost vh : table.virtualHosts()) {
            if (vh.clientAuth() != null && !vh.isCatchAll() && !names.add(vh.hostname())) {
                return true;
            }
        }
        return false;
    }

    private Certificate certificate() {
        List<String> named = new ArrayList<>();
        for (String n : NAMES) {
            if (random.nextInt(3) == 0) {
                named.add(random.nextBoolean() ? n : n.toUpperCase());
            }
        }
        return ISSUED.forHosts("cert-" + serial++, named.toArray(String[]::new));
    }

    private static int indexOf(List<VirtualHost> hosts, String name) {
        for (int i = 0; i < hosts.size(); i++) {
            if (hosts.get(i).hostname().equals(name) && hosts.get(i).listener() == null) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(List<VirtualHost> hosts, String name, int port) {
        for (int i = 0; i < hosts.size(); i++) {
            ListenerPort p = hosts.get(i).listener();
            if (hosts.get(i).hostname().equals(name) && p != null && p.port() == port) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> asked(RoutingTable table) {
        List<String> out = new ArrayList<>();
        for (String n : NAMES) {
            out.add(n.startsWith("*.") ? "y" + n.substring(1) : n);
            out.add(n.toUpperCase() + ".");
        }
        table.virtualHosts().forEach(vh -> out.add(vh.hostname()));
        out.add("nobody.test");
        out.add("");
        out.add(null);
        return out;
    }

    private VirtualHost host(String name, ClientAuth auth) {
        return new VirtualHost(name, List.of(route("r" + serial++)), auth);
    }

    private static Route route(String name) {
        return new Route(name, "Ingress/store/" + name, RouteMatch.path(PathMatch.prefix("/")),
                RouteAction.Forward.to("c"), null);
    }

    private static RoutingTable table(List<VirtualHost> hosts, List<Certificate> certificates, List<String> ciphers) {
        RoutingTable t = RoutingTable.of(hosts, List.of(new Cluster("c", Cluster.Protocol.HTTP1,
                List.of(Endpoint.ready("127.0.0.1", 8080)))), certificates);
        return ciphers == null ? t : t.withSettings(new EdgeSettings(null, null, null, null, null, null, null, ciphers, null));
    }
}
