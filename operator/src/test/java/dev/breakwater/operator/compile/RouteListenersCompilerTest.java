package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.crd.BackendSpec;
import dev.breakwater.operator.crd.ListenerSpec;
import dev.breakwater.operator.crd.ProxyProtocolSpec;
import dev.breakwater.operator.crd.Route;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Policy;
import dev.breakwater.routing.L4Routes;
import dev.breakwater.routing.ProxyProtocolVersion;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.SniRoute;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Route's {@code spec.listeners} (the typed form of L4 listeners that Gateway API's TCPRoute, UDPRoute and
 * TLSRoute can compile to) compiled to the table: each protocol, weights, balancer and PROXY protocol; ports owned by
 * the oldest object (the ConfigMaps first); TLS hostnames shared on one port; diagnostics on the Route's fields.
 */
class RouteListenersCompilerTest {

    private static ListenerSpec listener(ListenerSpec.Protocol protocol, Integer port, BackendSpec... backends) {
        ListenerSpec l = new ListenerSpec();
        l.protocol = protocol;
        l.port = port;
        l.backends = List.of(backends);
        return l;
    }

    private static BackendSpec backend(String name, Object port, Integer weight) {
        BackendSpec b = new BackendSpec();
        b.name = name;
        b.port = port instanceof Integer n ? new IntOrString(n) : new IntOrString((String) port);
        b.weight = weight;
        return b;
    }

    private static Route route(String name, String created, ListenerSpec... listeners) {
        Route route = Fixtures.route("apps", name).created(created).build();
        route.getSpec().listeners = List.of(listeners);
        return route;
    }

    private static ListenerSpec tls(Integer port, List<String> hosts, BackendSpec backend) {
        ListenerSpec l = listener(ListenerSpec.Protocol.TLS, port, backend);
        l.hostnames = hosts;
        return l;
    }

    private static Compilation compile(Snapshots snapshots) {
        return Compiler.compile(snapshots.build(), CompilerOptions.local(null));
    }

    private static L4Listener listener(Compilation c, String key) {
        return c.table().l4Routes().listeners().stream().filter(l -> l.key().equals(key)).findFirst().orElse(null);
    }

    @Test
    void eachProtocolCompilesToItsListener() {
        ListenerSpec db = listener(ListenerSpec.Protocol.TCP, 5432, backend("db", 80, 3), backend("db2", "http", 1));
        db.balancer = ListenerSpec.Balancer.LEAST_CONNECTIONS;
        db.proxyProtocol = new ProxyProtocolSpec();
        db.proxyProtocol.acceptFrom = List.of("10.0.0.0/8", "192.0.2.7");
        db.proxyProtocol.send = ProxyProtocolSpec.Version.V2;
        ListenerSpec dns = listener(ListenerSpec.Protocol.UDP, 53, backend("dns", 80, null));
        ListenerSpec tlsPort = tls(8443, List.of("a.example.com", "*.b.example.com"), backend("db", 80, null));
        ListenerSpec https = tls(null, List.of("pass.example.com"), backend("db2", 80, null));
        Compilation c = compile(Snapshots.with(route("edge", "2026-01-01T00:00:00Z", db, dns, tlsPort, https))
                .service("apps", "db", "10.0.0.1").service("apps", "db2", "10.0.0.2").service("apps", "dns", "10.0.0.3"));

        assertThat(c.diagnostics()).isEmpty();
        L4Routes l4 = c.table().l4Routes();
        assertThat(l4.listeners()).extracting(L4Listener::key).containsExactlyInAnyOrder("tcp/5432", "udp/53",
                "tcp/8443");
        L4Listener pg = listener(c, "tcp/5432");
        assertThat(pg.route().backends()).containsExactly(new RouteAction.BackendRef("apps/db:http", 3),
                new RouteAction.BackendRef("apps/db2:http", 1));
        assertThat(pg.route().source()).isEqualTo("Route/apps/edge");
        assertThat(pg.route().policy().balancer()).isEqualTo(L4Policy.Balancer.LEAST_CONNECTIONS);
        assertThat(pg.route().policy().sendProxyProtocol()).isEqualTo(ProxyProtocolVersion.V2);
        assertThat(pg.acceptProxyProtocolFrom()).containsExactly("10.0.0.0/8", "192.0.2.7/32");
        assertThat(listener(c, "udp/53").protocol()).isEqualTo(L4Listener.Protocol.UDP);
        assertThat(listener(c, "udp/53").route().policy()).isEqualTo(L4Policy.DEFAULTS);
        L4Listener passthrough = listener(c, "tcp/8443");
        assertThat(passthrough.route()).isNull();
        assertThat(passthrough.sni()).extracting(SniRoute::hostname)
                .containsExactlyInAnyOrder("a.example.com", "*.b.example.com");
        assertThat(l4.httpsPassthrough()).singleElement().satisfies(s -> {
            assertThat(s.hostname()).isEqualTo("pass.example.com");
            assertThat(s.route().backends()).containsExactly(new RouteAction.BackendRef("apps/db2:http", 1));
        });
        assertThat(c.table().cluster("apps/dns:http").endpoints()).hasSize(1);
        assertThat(c.routeStatuses()).singleElement().satisfies(r -> assertThat(r.accepted().status()).isTrue());
    }

    @Test
    void aPortBelongsToTheOldestObjectAndTlsHostsShareAPort() {
        Route older = route("older", "2026-01-01T00:00:00Z", listener(ListenerSpec.Protocol.TCP, 7000,
                backend("db", 80, null)), tls(8443, List.of("a.example.com"), backend("db", 80, null)),
                listener(ListenerSpec.Protocol.TCP, 5432, backend("db", 80, null)));
        Route newer = route("newer", "2026-02-01T00:00:00Z", listener(ListenerSpec.Protocol.TCP, 7000,
                backend("db2", 80, null)), tls(8443, List.of("a.example.com", "c.example.com"),
                backend("db2", 80, null)), listener(ListenerSpec.Protocol.UDP, 7000, backend("db2", 80, null)));
        Snapshots snapshots = Snapshots.with(newer, older).service("apps", "db", "10.0.0.1")
                .service("apps", "db2", "10.0.0.2");
        Compilation c = Compiler.compile(snapshots.build().withConfigMaps(List.of(new ConfigMapBuilder()
                        .withNewMetadata().withNamespace("ingress-nginx").withName("tcp").endMetadata()
                        .withData(Map.of("5432", "apps/db2:80")).build())),
                CompilerOptions.local(null).withL4Sources(new L4Sources("ingress-nginx/tcp", null)));

        assertThat(listener(c, "tcp/7000").route().source()).isEqualTo("Route/apps/older");
        assertThat(listener(c, "udp/7000").route().source()).isEqualTo("Route/apps/newer");
        assertThat(listener(c, "tcp/5432").route().source()).isEqualTo("ConfigMap/ingress-nginx/tcp");
        assertThat(listener(c, "tcp/8443").sni()).extracting(s -> s.hostname() + " " + s.route().source())
                .containsExactly("a.example.com Route/apps/older", "c.example.com Route/apps/newer");
        assertThat(c.diagnosticsOf("Route/apps/older")).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("spec.listeners[2].port");
            assertThat(d.reason()).contains("tcp/5432", "ConfigMap");
        });
        assertThat(c.diagnosticsOf("Route/apps/newer")).extracting(Diagnostic::field, Diagnostic::severity)
                .containsExactly(org.assertj.core.api.Assertions.tuple("spec.listeners[0].port",
                                Diagnostic.Severity.ERROR),
                        org.assertj.core.api.Assertions.tuple("spec.listeners[1].hostnames",
                                Diagnostic.Severity.WARNING));
        assertThat(c.diagnosticsOf("Route/apps/newer").get(0).reason()).contains("Route/apps/older");
    }

    @Test
    void whatTheSchemaWouldRefuseIsReportedOnTheFieldAndOnlyThatListenerIsLeftOut() {
        ListenerSpec noPort = listener(ListenerSpec.Protocol.TCP, null, backend("db", 80, null));
        ListenerSpec udpProxy = listener(ListenerSpec.Protocol.UDP, 53, backend("db", 80, null));
        udpProxy.proxyProtocol = new ProxyProtocolSpec();
        udpProxy.proxyProtocol.send = ProxyProtocolSpec.Version.V1;
        ListenerSpec tlsNoHosts = listener(ListenerSpec.Protocol.TLS, 9443, backend("db", 80, null));
        ListenerSpec missing = listener(ListenerSpec.Protocol.TCP, 6000, backend("nowhere", 80, null));
        ListenerSpec badCidr = listener(ListenerSpec.Protocol.TCP, 6001, backend("db", 80, null));
        badCidr.proxyProtocol = new ProxyProtocolSpec();
        badCidr.proxyProtocol.acceptFrom = List.of("10.0.0.0/99");
        ListenerSpec good = listener(ListenerSpec.Protocol.TCP, 6002, backend("db", 80, null));
        Compilation c = compile(Snapshots.with(route("bad", "2026-01-01T00:00:00Z", noPort, udpProxy, tlsNoHosts,
                missing, badCidr, good)).service("apps", "db", "10.0.0.1"));

        assertThat(c.table().l4Routes().listeners()).extracting(L4Listener::key).containsExactly("tcp/6002");
        assertThat(c.diagnosticsOf("Route/apps/bad")).extracting(Diagnostic::field).containsExactly(
                "spec.listeners[0].port", "spec.listeners[1].proxyProtocol", "spec.listeners[2].hostnames",
                "spec.listeners[3].backends[0].name", "spec.listeners[3].backends",
                "spec.listeners[4].proxyProtocol.acceptFrom[0]");
        assertThat(c.diagnosticsOf("Route/apps/bad").get(3).reason()).contains("apps/nowhere");
    }
}
