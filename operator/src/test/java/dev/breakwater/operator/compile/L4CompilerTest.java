package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Routes;
import dev.breakwater.routing.ProxyProtocolVersion;
import dev.breakwater.routing.RoutingTable;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ingress-nginx's TCP and UDP services ConfigMaps and the ssl-passthrough annotation, compiled to L4 routes. */
class L4CompilerTest {

    private static ConfigMap configMap(String name, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace("ingress-nginx").withName(name).endMetadata()
                .withData(data).build();
    }

    private static Compilation compile(ClusterSnapshot snapshot) {
        return Compiler.compile(snapshot, CompilerOptions.local(null)
                .withL4Sources(new L4Sources("ingress-nginx/tcp-services", "ingress-nginx/udp-services")));
    }

    @Test
    void theConfigMapsBecomeListenersInTheirOwnFormat() {
        ClusterSnapshot snapshot = Snapshots.with(new io.fabric8.kubernetes.api.model.networking.v1.Ingress[0]).service("db", "postgres", "10.0.0.5")
                .service("dns", "coredns", "10.0.0.53").build().withConfigMaps(List.of(
                        configMap("tcp-services", Map.of("5432", "db/postgres:80", "6432", "db/postgres:http::PROXY",
                                "7432", "db/postgres:80:PROXY")),
                        configMap("udp-services", Map.of("53", "dns/coredns:http"))));
        Compilation c = compile(snapshot);

        assertThat(c.diagnostics()).isEmpty();
        L4Routes l4 = c.table().l4Routes();
        assertThat(l4.listeners()).extracting(L4Listener::key)
                .containsExactly("tcp/5432", "tcp/6432", "tcp/7432", "udp/53");
        L4Listener plain = l4.listeners().get(0);
        assertThat(plain.route().backends().get(0).cluster()).isEqualTo("db/postgres:http");
        assertThat(plain.route().source()).isEqualTo("ConfigMap/ingress-nginx/tcp-services");
        assertThat(plain.acceptProxyProtocolFrom()).isEmpty();
        assertThat(l4.listeners().get(1).route().policy().sendProxyProtocol()).isEqualTo(ProxyProtocolVersion.V1);
        assertThat(l4.listeners().get(2).acceptProxyProtocolFrom()).containsExactly("0.0.0.0/0", "::/0");
        assertThat(c.table().cluster("db/postgres:http").endpoints()).hasSize(1);
        assertThat(c.table().cluster("dns/coredns:http")).isNotNull();
    }

    @Test
    void badEntriesAreErrorsNamingTheConfigMapAndKeyAndOnlyThoseListenersAreLeftOut() {
        ClusterSnapshot snapshot = Snapshots.with(new io.fabric8.kubernetes.api.model.networking.v1.Ingress[0]).service("db", "postgres", "10.0.0.5").build()
                .withConfigMaps(List.of(configMap("tcp-services", Map.of("5432", "db/postgres:80",
                        "http", "db/postgres:80", "6000", "postgres", "6001", "db/missing:80", "6002",
                        "db/postgres:80:SOCKS")),
                        configMap("udp-services", Map.of("53", "db/postgres:80:PROXY"))));
        Compilation c = compile(snapshot);

        assertThat(c.table().l4Routes().listeners()).extracting(L4Listener::key).containsExactly("tcp/5432",
                "tcp/6002");
        String tcp = "ConfigMap/ingress-nginx/tcp-services";
        assertThat(c.diagnosticsOf(tcp)).extracting(d -> d.field() + ": " + d.reason()).contains(
                "data['http']: the key must be a port, 1 to 65535",
                "data['6000']: \"postgres\" (expected: namespace/service:port[:PROXY][:PROXY])",
                "data['6001']: Service db/missing does not exist",
                "data['6002']: \"SOCKS\" (expected: PROXY or nothing)");
        assertThat(c.diagnosticsOf("ConfigMap/ingress-nginx/udp-services")).extracting(d -> d.reason())
                .containsExactly("PROXY is for TCP services only");
    }

    @Test
    void aMissingConfigMapIsAWarning() {
        Compilation c = compile(Snapshots.with(new io.fabric8.kubernetes.api.model.networking.v1.Ingress[0]).build());
        assertThat(c.table().l4()).isNull();
        assertThat(c.diagnosticsOf("ConfigMap/ingress-nginx/tcp-services")).extracting(d -> d.reason())
                .containsExactly("named by --tcp-services-configmap but does not exist; no TCP listener");
    }

    @Test
    void anSslPassthroughIngressMakesItsHostsPassthroughHostsOfTheHttpsPort() {
        Compilation c = Snapshots.with(Fixtures.ingress("default", "bank")
                        .annotation("nginx.ingress.kubernetes.io/ssl-passthrough", "true")
                        .host("bank.example.com").prefix("/api", "api", 80).prefix("/", "bank", 80).build(),
                Fixtures.ingress("default", "web").host("web.example.com").prefix("/", "web", 80).build())
                .service("default", "bank", "10.0.0.1").service("default", "api", "10.0.0.2")
                .service("default", "web", "10.0.0.3").compile();

        assertThat(c.diagnostics()).isEmpty();
        RoutingTable t = c.table();
        assertThat(t.l4Routes().httpsPassthrough()).hasSize(1);
        assertThat(t.l4Routes().httpsPassthrough().get(0).hostname()).isEqualTo("bank.example.com");
        assertThat(t.l4Routes().httpsPassthrough().get(0).route().backends().get(0).cluster())
                .isEqualTo("default/bank:http");
        assertThat(t.l4Routes().listeners()).isEmpty();
    }

    @Test
    void aBadPassthroughValueIsAWarningAndNothingIsPassedThrough() {
        Compilation c = Snapshots.with(Fixtures.ingress("default", "bank")
                        .annotation("nginx.ingress.kubernetes.io/ssl-passthrough", "yes please")
                        .host("bank.example.com").prefix("/", "bank", 80).build())
                .service("default", "bank", "10.0.0.1").compile();
        assertThat(c.table().l4()).isNull();
        assertThat(c.diagnosticsOf("Ingress/default/bank")).extracting(d -> d.field())
                .containsExactly("metadata.annotations['nginx.ingress.kubernetes.io/ssl-passthrough']");
    }

    @Test
    void theProxyEntriesTrustThePeersTheOptionNames() {
        ClusterSnapshot snapshot = Snapshots.with(new io.fabric8.kubernetes.api.model.networking.v1.Ingress[0])
                .service("db", "postgres", "10.0.0.5").build().withConfigMaps(List.of(configMap("tcp-services",
                        Map.of("7432", "db/postgres:80:PROXY", "5432", "db/postgres:80"))));
        Compilation c = Compiler.compile(snapshot, CompilerOptions.local(null).withL4Sources(new L4Sources(
                "ingress-nginx/tcp-services", null, List.of("10.0.0.0/8"))));
        assertThat(c.table().l4Routes().listeners()).extracting(L4Listener::key, L4Listener::acceptProxyProtocolFrom)
                .containsExactly(org.assertj.core.api.Assertions.tuple("tcp/5432", List.of()),
                        org.assertj.core.api.Assertions.tuple("tcp/7432", List.of("10.0.0.0/8")));
    }
}
