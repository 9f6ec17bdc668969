package dev.breakwater.operator.compile;

import static dev.breakwater.operator.compile.GatewayListenersCompilerTest.CLASS;
import static dev.breakwater.operator.compile.GatewayListenersCompilerTest.gateway;
import static dev.breakwater.operator.compile.GatewayListenersCompilerTest.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.ListenerPort;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.VirtualHost;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each Gateway's own Service ({@link GatewayServices}): its listener ports get data-plane ports of its own, whose
 * hosts hold only its routes; its Service is what the status writer applies, and its address the Gateway's.
 */
class GatewayServicesCompilerTest {

    private static final GatewayServices SERVICES = new GatewayServices("breakwater-system",
            Map.of("app.kubernetes.io/component", "dataplane"), "ClusterIP", 20000, 3);
    private static final CompilerOptions OPTIONS = CompilerOptions.local()
            .withGatewayPorts(GatewayPorts.DEFAULT.withServices(SERVICES));

    /** Two Gateways with a listener on port 80 and no hostname each, a route at / on each: the suite's case. */
    private static Snapshots twoGateways() {
        return Snapshots.empty().gatewayApi(CLASS
                + gateway("infra", "one", "- {name: http, protocol: HTTP, port: 80}")
                + gateway("infra", "two", """
                        - {name: http, protocol: HTTP, port: 80}
                        - {name: alt, protocol: HTTP, port: 8080}
                        """)
                + route("infra", "a", "parentRefs: [{name: one}]\nrules: [{backendRefs: [{name: web, port: 80}]}]")
                + route("infra", "b", "parentRefs: [{name: two}]\nrules: [{backendRefs: [{name: api, port: 80}]}]"))
                .service("infra", "web", "10.0.0.1").service("infra", "api", "10.0.0.2");
    }

    private static VirtualHost host(Compilation c, int port) {
        return c.table().virtualHosts().stream().filter(v -> v.listener() != null && v.listener().port() == port)
                .findFirst().orElseThrow();
    }

    private static String cluster(VirtualHost host) {
        return ((RouteAction.Forward) host.routes().get(0).action()).backends().get(0).cluster();
    }

    @Test
    void eachGatewaysListenerPortsGetDataPlanePortsServingOnlyItsRoutes() {
        Compilation c = twoGateways().compile(OPTIONS);

        assertThat(c.table().virtualHosts()).extracting(VirtualHost::key)
                .containsExactly("*", "http/20000 *", "http/20001 *", "http/20002 *");
        assertThat(cluster(host(c, 20000))).startsWith("infra/web:");
        assertThat(cluster(host(c, 20001))).startsWith("infra/api:");
        assertThat(cluster(host(c, 20002))).startsWith("infra/api:");
        // the shared ports keep serving the oldest route at / of the merged host, as without own Services
        VirtualHost shared = c.table().virtualHosts().get(0);
        assertThat(shared.listener()).isNull();
        assertThat(cluster(shared)).startsWith("infra/web:");
        // a listener on a port other than 80 is accepted: its Service maps it
        assertThat(c.gatewayApi().gateway("infra", "two").listener("alt").accepted().status()).isTrue();

        GatewayService one = c.gatewayApi().service("infra", "one");
        assertThat(one.namespace()).isEqualTo("breakwater-system");
        assertThat(one.name()).startsWith("gw-infra-one-").hasSize("gw-infra-one-".length() + 8);
        assertThat(one.type()).isEqualTo("ClusterIP");
        assertThat(one.selector()).containsEntry("app.kubernetes.io/component", "dataplane");
        assertThat(one.ports()).containsExactly(new GatewayService.Port("http-80", 80, 20000));
        assertThat(one.addresses()).isNull(); // no Service yet
        assertThat(c.gatewayApi().service("infra", "two").ports()).containsExactly(
                new GatewayService.Port("http-80", 80, 20001), new GatewayService.Port("http-8080", 8080, 20002));
    }

    @Test
    void aServiceThatExistsKeepsItsTargetPortsAndGivesTheGatewayItsAddress() {
        String name = GatewayService.nameOf("infra", "two");
        Service existing = new ServiceBuilder().withNewMetadata().withNamespace("breakwater-system").withName(name)
                .withLabels(Map.of(GatewayService.LABEL, "true")).endMetadata()
                .withNewSpec().withClusterIP("10.245.0.77").withPorts(new ServicePortBuilder().withName("http-80")
                        .withPort(80).withTargetPort(new IntOrString(20000)).build()).endSpec().build();
        Service stale = new ServiceBuilder().withNewMetadata().withNamespace("breakwater-system").withName("gw-gone")
                .withLabels(Map.of(GatewayService.LABEL, "true")).endMetadata().withNewSpec().endSpec().build();

        Compilation c = twoGateways().add(existing).add(stale).compile(OPTIONS);

        // "two" keeps 20000 although "one" is older; "one" and two's new port take the lowest free ones
        assertThat(c.gatewayApi().service("infra", "two").ports()).containsExactly(
                new GatewayService.Port("http-80", 80, 20000), new GatewayService.Port("http-8080", 8080, 20002));
        assertThat(c.gatewayApi().service("infra", "one").ports()).containsExactly(
                new GatewayService.Port("http-80", 80, 20001));
        assertThat(cluster(host(c, 20000))).startsWith("infra/api:");
        assertThat(c.gatewayApi().service("infra", "two").addresses()).containsExactly("10.245.0.77");
        assertThat(c.gatewayApi().staleServices()).containsExactly("breakwater-system/gw-gone");
    }

    @Test
    void withoutOwnServicesNothingChanges() {
        Compilation c = twoGateways().compile(CompilerOptions.local());

        assertThat(c.table().virtualHosts()).extracting(VirtualHost::key).containsExactly("*");
        assertThat(c.gatewayApi().services()).isEmpty();
        assertThat(c.gatewayApi().gateway("infra", "two").listener("alt").accepted().reason())
                .isEqualTo("PortUnavailable");
    }

    @Test
    void whenNoPortIsLeftAGatewayGetsNoServiceAndAnErrorSaysSo() {
        GatewayServices one = new GatewayServices("breakwater-system", Map.of("a", "b"), "LoadBalancer", 20000, 1);
        Compilation c = twoGateways().compile(CompilerOptions.local()
                .withGatewayPorts(GatewayPorts.DEFAULT.withServices(one)));

        assertThat(c.table().virtualHosts()).extracting(VirtualHost::listener).containsOnlyOnce(
                new ListenerPort(20000, false));
        assertThat(c.gatewayApi().services()).extracting(GatewayService::gatewayName).containsExactly("one");
        assertThat(c.diagnostics()).anySatisfy(d -> {
            assertThat(d.object()).isEqualTo("Gateway/infra/two");
            assertThat(d.reason()).contains("no data-plane port is left");
        });
    }
}
