package dev.breakwater.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A delta names what changed between two tables, and applied to the first gives the second, part for part. */
class TableDeltaTest {

    private static final RoutingTable BASE = TableCodecTest.sample().withVersion(7);

    @Test
    void aChangedClusterIsTheDeltasOnlyPartAndTheRestIsSharedWithTheBase() {
        List<Cluster> clusters = new ArrayList<>(BASE.clusters());
        Cluster api = clusters.get(0);
        clusters.set(0, new Cluster(api.name(), api.protocol(), List.of(Endpoint.ready("10.0.0.9", 8080))));
        RoutingTable next = RoutingTable.of(BASE.virtualHosts(), clusters, BASE.certificates()).withVersion(8);

        TableDelta delta = TableDelta.between(BASE, next);
        RoutingTable applied = TableCodec.decodeDelta(TableCodec.encodeDelta(delta)).applyTo(BASE);

        assertThat(delta.clusters()).extracting(TableDelta.ClusterChange::at).containsExactly(0);
        assertThat(delta.virtualHosts()).isEmpty();
        assertThat(delta.removedClusters()).isEmpty();
        assertThat(delta.l4()).isNull();
        assertThat(applied.hash()).isEqualTo(next.hash());
        assertThat(applied.version()).isEqualTo(8);
        assertThat(TableCodec.encodeToString(applied)).isEqualTo(TableCodec.encodeToString(next));
        for (int i = 0; i < BASE.virtualHosts().size(); i++) {
            assertThat(applied.virtualHosts().get(i)).isSameAs(BASE.virtualHosts().get(i));
        }
        assertThat(applied.clusters().get(1)).isSameAs(BASE.clusters().get(1));
    }

    @Test
    void hostsClustersAndCertificatesRemovedAndAddedArePutWhereTheNextTableHasThem() {
        VirtualHost added = new VirtualHost("new.example.com", List.of(new Route("default/new:new.example.com/",
                "Ingress/default/new", RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("default/new:80"),
                null)));
        List<VirtualHost> hosts = new ArrayList<>(BASE.virtualHosts());
        hosts.remove(1); // *.example.com
        hosts.add(1, added);
        List<Cluster> clusters = new ArrayList<>(BASE.clusters());
        clusters.remove(2); // default/grpc:grpc
        clusters.add(0, new Cluster("default/new:80", null, List.of(Endpoint.ready("10.1.0.1", 80))));
        List<Certificate> certificates = List.of(new Certificate("default/new-tls", List.of("new.example.com"),
                "CHAIN", "KEY"));
        RoutingTable next = RoutingTable.of(hosts, clusters, certificates).withVersion(8);

        TableDelta delta = TableDelta.between(BASE, next);
        RoutingTable applied = TableCodec.decodeDelta(TableCodec.encodeDelta(delta)).applyTo(BASE);

        assertThat(delta.removedHosts()).containsExactly("*.example.com");
        assertThat(delta.removedClusters()).containsExactly("default/grpc:grpc");
        assertThat(delta.removedCertificates()).containsExactly("default/example-tls");
        assertThat(delta.virtualHosts()).extracting(TableDelta.HostChange::at).containsExactly(1);
        assertThat(applied.virtualHosts()).extracting(VirtualHost::hostname)
                .containsExactly("example.com", "new.example.com", "*");
        assertThat(applied.clusters()).extracting(Cluster::name)
                .containsExactly("default/new:80", "default/api:http", "default/api-canary:http");
        assertThat(applied.hash()).isEqualTo(next.hash());
        assertThat(applied.certificates()).isEqualTo(certificates);
    }

    @Test
    void theL4PartIsSentWholeWhenItChangesAndNoneWhenItGoes() {
        L4Routes l4 = new L4Routes(List.of(L4Listener.tcp(9000, L4Route.to("default/db", "default/api:http"))),
                List.of());
        RoutingTable withL4 = BASE.withL4(l4).withVersion(8);

        TableDelta added = TableDelta.between(BASE, withL4);
        TableDelta removed = TableDelta.between(withL4, BASE.withVersion(9));

        assertThat(added.l4()).isEqualTo(l4);
        assertThat(added.applyTo(BASE).hash()).isEqualTo(withL4.hash());
        assertThat(removed.l4()).isEqualTo(L4Routes.NONE);
        RoutingTable back = TableCodec.decodeDelta(TableCodec.encodeDelta(removed)).applyTo(withL4);
        assertThat(back.l4()).isNull();
        assertThat(back.hash()).isEqualTo(BASE.hash());
    }

    @Test
    void oneHostNameOnTwoListenerPortsIsTwoHostsThatChangeApart() {
        Route a = new Route("gw/a:*/#0", "HTTPRoute/gw/a", RouteMatch.path(PathMatch.prefix("/")),
                RouteAction.Forward.to("default/api:http"), null);
        Route b = new Route("gw/b:*/#0", "HTTPRoute/gw/b", RouteMatch.path(PathMatch.prefix("/")),
                RouteAction.Forward.to("default/web:http"), null);
        List<VirtualHost> hosts = new ArrayList<>(BASE.virtualHosts());
        hosts.add(new VirtualHost("*", List.of(a), null, null, null, new ListenerPort(20000, false)));
        hosts.add(new VirtualHost("*", List.of(b), null, null, null, new ListenerPort(20001, true)));
        RoutingTable base = RoutingTable.of(hosts, BASE.clusters(), BASE.certificates()).withVersion(8);
        hosts.set(hosts.size() - 1, new VirtualHost("*", List.of(a), null, null, null, new ListenerPort(20001, true)));
        RoutingTable next = RoutingTable.of(hosts, BASE.clusters(), BASE.certificates()).withVersion(9);

        TableDelta delta = TableCodec.decodeDelta(TableCodec.encodeDelta(TableDelta.between(base, next)));
        RoutingTable applied = delta.applyTo(base);

        assertThat(delta.virtualHosts()).extracting(h -> h.host().key()).containsExactly("https/20001 *");
        assertThat(applied.hash()).isEqualTo(next.hash());
        assertThat(applied.virtualHosts().get(hosts.size() - 2)).isSameAs(base.virtualHosts().get(hosts.size() - 2));
        assertThat(TableCodec.decode(TableCodec.encode(next)).virtualHosts()).extracting(VirtualHost::listener)
                .endsWith(new ListenerPort(20000, false), new ListenerPort(20001, true));
    }

    @Test
    void theSameContentUnderANewVersionIsAnEmptyDelta() {
        TableDelta delta = TableDelta.between(BASE, BASE.withVersion(8));

        assertThat(delta.isEmpty()).isTrue();
        assertThat(delta.applyTo(BASE).version()).isEqualTo(8);
        assertThat(new String(TableCodec.encodeDelta(delta), StandardCharsets.UTF_8)).doesNotContain("empty");
    }

    @Test
    void unchangedPartsInAnotherOrderCannotBeSaidByADelta() {
        List<Cluster> reversed = new ArrayList<>(BASE.clusters());
        java.util.Collections.reverse(reversed);
        RoutingTable next = RoutingTable.of(BASE.virtualHosts(), reversed, BASE.certificates()).withVersion(8);

        assertThat(TableDelta.between(BASE, next)).isNull();
    }

    @Test
    void aDeltaRefusesATableWithAnotherHashAsItsBase() {
        RoutingTable other = RoutingTable.of(List.of(), BASE.clusters(), List.of()).withVersion(7);
        TableDelta delta = TableDelta.between(BASE, RoutingTable.of(BASE.virtualHosts(), List.of(BASE.clusters().get(0),
                BASE.clusters().get(1)), BASE.certificates()).withVersion(8));

        assertThatThrownBy(() -> delta.applyTo(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not the table served (v7, " + other.hash() + ")");
    }

    @Test
    void aPartWhoseContentDoesNotMatchItsHashIsRefusedNamingIt() {
        RoutingTable next = RoutingTable.of(BASE.virtualHosts(), List.of(new Cluster("default/api:http", null,
                List.of(Endpoint.ready("10.0.0.9", 8080)))), List.of()).withVersion(8);
        String json = new String(TableCodec.encodeDelta(TableDelta.between(BASE, next)), StandardCharsets.UTF_8);
        String tampered = json.replace("10.0.0.9", "10.6.6.6");

        assertThatThrownBy(() -> TableCodec.decodeDelta(tampered.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cluster default/api:http: hash")
                .hasMessageContaining("does not match its content");
    }

    @Test
    void aDeltaThatRemovesWhatTheBaseDoesNotHaveIsRefused() {
        TableDelta delta = new TableDelta(7, BASE.hash(), 8, BASE.hash(), List.of(), List.of("nowhere.example.com"),
                List.of(), List.of(), List.of(), List.of(), null, null);

        assertThatThrownBy(() -> delta.applyTo(BASE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("removes virtual host nowhere.example.com");
    }
}
