package dev.breakwater.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The L4 part of a table: checked on construction, carried by the codec, hashed only when present. */
class L4RoutesTest {

    private static final Cluster DB = new Cluster("db", Cluster.Protocol.HTTP1, List.of(Endpoint.ready("10.0.0.1",
            5432)));

    @Test
    void aTableWithL4ListenersSurvivesTheCodecAndOneWithoutHashesAsBefore() {
        L4Listener tcp = new L4Listener(5432, L4Listener.Protocol.TCP, L4Route.to("tcp/5432", "db")
                .withPolicy(L4Policy.DEFAULTS.withSendProxyProtocol(ProxyProtocolVersion.V2)), List.of(),
                List.of("10.0.0.0/8"));
        L4Listener tls = new L4Listener(9443, L4Listener.Protocol.TCP, null,
                List.of(new SniRoute("*.example.com", L4Route.to("sni", "db"))), List.of());
        RoutingTable plain = RoutingTable.of(List.of(), List.of(DB));
        RoutingTable withL4 = plain.withL4(new L4Routes(List.of(tcp, tls, L4Listener.udp(53, L4Route.to("udp/53",
                "db"))), List.of(new SniRoute("bank.example.com", L4Route.to("bank", "db")))));

        RoutingTable back = TableCodec.decode(TableCodec.encode(withL4));
        assertThat(back).isEqualTo(withL4);
        assertThat(withL4.hash()).isNotEqualTo(plain.hash());
        assertThat(plain.withL4(L4Routes.NONE).hash()).isEqualTo(plain.hash());
        assertThat(TableCodec.encodeToString(plain)).doesNotContain("l4");
        assertThat(back.l4Routes().listeners().get(1).routeFor("a.example.com").name()).isEqualTo("sni");
        assertThat(back.l4Routes().listeners().get(1).routeFor("a.b.example.com")).isNull();
    }

    @Test
    void badListenersAreRefusedNamingThePortAndField() {
        L4Route r = L4Route.to("r", "db");
        assertThatThrownBy(() -> new L4Listener(0, L4Listener.Protocol.TCP, r, List.of(), List.of()))
                .hasMessage("port: 0 (expected: 1-65535)");
        assertThatThrownBy(() -> new L4Listener(53, L4Listener.Protocol.UDP, r,
                List.of(new SniRoute("a.example.com", r)), List.of()))
                .hasMessage("port 53: SNI hosts on a UDP listener (expected: TCP)");
        assertThatThrownBy(() -> new L4Listener(80, L4Listener.Protocol.TCP, r, List.of(), List.of("lb")))
                .hasMessageContaining("\"lb\" is not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> new L4Routes(List.of(L4Listener.tcp(80, r), L4Listener.tcp(80, r)), List.of()))
                .hasMessage("listeners: tcp/80 twice (expected: one per port)");
        assertThatThrownBy(() -> new SniRoute("a.*.com", r)).hasMessageStartingWith("hostname: a.*.com");
        assertThatThrownBy(() -> L4Policy.DEFAULTS.withMaxSessions(0)).hasMessage("maxSessions: 0 (expected: >= 1)");
    }
}
