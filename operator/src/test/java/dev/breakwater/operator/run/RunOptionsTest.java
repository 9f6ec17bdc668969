package dev.breakwater.operator.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.operator.status.AddressSource;
import dev.breakwater.operator.status.LoadBalancerAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunOptionsTest {

    private static RunOptions parse(Map<String, String> env, String... args) {
        return RunOptions.parse(List.of(args), env::get);
    }

    private static RunOptions parse(String... args) {
        return parse(Map.of(), args);
    }

    @Test
    void defaults() {
        RunOptions o = parse(Map.of("POD_NAME", "op-0", "POD_NAMESPACE", "breakwater"));
        assertThat(o.namespaces()).isEmpty();
        assertThat(o.ingressClasses()).isEmpty();
        assertThat(o.controllerName()).isEqualTo("breakwater.dev/ingress-controller");
        assertThat(o.statusAddress()).isInstanceOf(AddressSource.None.class);
        assertThat(o.identity()).isEqualTo("op-0");
        assertThat(o.namespace()).isEqualTo("breakwater");
        assertThat(o.leaseName()).isEqualTo("breakwater-operator");
        assertThat(o.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(o.debounce()).isEqualTo(Duration.ofMillis(50));
        assertThat(o.debounceMax()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.endpointDebounce()).isEqualTo(Duration.ofMillis(10));
        assertThat(o.healthPort()).isEqualTo(8081);
        assertThat(o.channelBind()).isEqualTo("0.0.0.0");
        assertThat(parse().identity()).startsWith("breakwater-operator-");
    }

    @Test
    void gatewayListenerPortsDefaultTo80And443AndAreChecked() {
        assertThat(parse().gatewayPorts()).isEqualTo(dev.breakwater.operator.compile.GatewayPorts.DEFAULT);
        assertThat(parse("--gateway-http-port", "8080", "--gateway-https-port", "8443").gatewayPorts())
                .isEqualTo(new dev.breakwater.operator.compile.GatewayPorts(8080, 8443));
        assertThatThrownBy(() -> parse("--gateway-http-port", "0"))
                .hasMessageContaining("--gateway-http-port: '0' (expected: a number from 1 to 65535)");
        assertThatThrownBy(() -> parse("--gateway-https-port", "80"))
                .hasMessageContaining("--gateway-http-port and --gateway-https-port are both 80");
    }

    @Test
    void everyOption() {
        RunOptions o = parse(Map.of("POD_IP", "10.1.1.1"), "--namespaces", "a,b", "--ingress-class", "breakwater",
                "--controller-name", "example.com/ic", "--status-service", "infra/edge", "--namespace", "ops",
                "--lease-name", "l", "--identity", "me", "--lease-duration", "6s", "--renew-deadline", "4s",
                "--retry-period", "500ms", "--debounce", "20ms", "--debounce-max", "1s", "--endpoint-debounce", "2ms", "--resync", "0",
                "--health-bind", "127.0.0.1", "--health-port", "0", "--channel-service", "breakwater-channel",
                "--channel-bind", "127.0.0.1", "--channel-port", "18001", "--field-manager", "bw");
        assertThat(o.namespaces()).isEqualTo(Set.of("a", "b"));
        assertThat(o.ingressClasses()).isEqualTo(Set.of("breakwater"));
        assertThat(o.controllerName()).isEqualTo("example.com/ic");
        assertThat(o.statusAddress()).isEqualTo(new AddressSource.FromService("infra", "edge"));
        assertThat(o.retryPeriod()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.endpointDebounce()).isEqualTo(Duration.ofMillis(2));
        assertThat(o.resync()).isZero();
        assertThat(o.podIp()).isEqualTo("10.1.1.1");
        assertThat(o.channelPort()).isEqualTo(18001);
        assertThat(o.channelBind()).isEqualTo("127.0.0.1");
        assertThat(o.fieldManager()).isEqualTo("bw");
    }

    @Test
    void statusSources() {
        assertThat(parse("--status-address", "203.0.113.1,lb.example.com").statusAddress())
                .isEqualTo(new AddressSource.Fixed(List.of(LoadBalancerAddress.parse("203.0.113.1"),
                        LoadBalancerAddress.parse("lb.example.com"))));
        assertThat(parse(Map.of("POD_NAMESPACE", "bw"), "--status-pods", "app=dataplane").statusAddress())
                .isEqualTo(new AddressSource.FromPods("bw", "app=dataplane"));
        assertThat(parse("--status-pods", "app=dataplane", "--status-pods-namespace", "edge").statusAddress())
                .isEqualTo(new AddressSource.FromPods("edge", "app=dataplane"));
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> parse("--status-address", "1.2.3.4", "--status-service", "a/b"))
                .hasMessageContaining("exclude each other");
        assertThatThrownBy(() -> parse("--status-address", "no way")).hasMessageContaining("--status-address");
        assertThatThrownBy(() -> parse("--status-service", "edge")).hasMessageContaining("NAMESPACE/NAME");
        assertThatThrownBy(() -> parse("--debounce", "fast")).hasMessageContaining("--debounce");
        assertThatThrownBy(() -> parse("--debounce", "1s", "--debounce-max", "100ms")).hasMessageContaining("shorter");
        assertThatThrownBy(() -> parse("--endpoint-debounce", "1s")).hasMessageContaining("--endpoint-debounce");
        assertThatThrownBy(() -> parse("--lease-duration", "5s")).hasMessageContaining("--lease-duration");
        assertThatThrownBy(() -> parse("--channel-service", "c")).hasMessageContaining("POD_IP");
        assertThatThrownBy(() -> parse("--namespaces", "A_b")).hasMessageContaining("not a Kubernetes name");
        assertThatThrownBy(() -> parse("--bogus", "1")).hasMessageContaining("unknown option --bogus");
        assertThatThrownBy(() -> parse("--namespaces")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> parse("--kubeconfig", "/nonexistent")).hasMessageContaining("cannot read");
    }

    @Test
    void theL4ServicesConfigMapsAndTheirProxyPeers() {
        assertThat(parse().l4Sources()).isEqualTo(dev.breakwater.operator.compile.L4Sources.NONE);
        RunOptions o = parse("--tcp-services-configmap", "ingress-nginx/tcp-services",
                "--udp-services-configmap", "ingress-nginx/udp-services",
                "--tcp-services-proxy-protocol-from", "10.0.0.0/8,192.0.2.7");
        assertThat(o.l4Sources().tcpServices()).isEqualTo("ingress-nginx/tcp-services");
        assertThat(o.l4Sources().udpServices()).isEqualTo("ingress-nginx/udp-services");
        assertThat(o.l4Sources().proxyProtocolFrom()).containsExactly("10.0.0.0/8", "192.0.2.7/32");
        assertThatThrownBy(() -> parse("--tcp-services-configmap", "tcp-services"))
                .hasMessageContaining("--tcp-services-configmap: 'tcp-services' (expected: NAMESPACE/NAME of a ConfigMap)");
        assertThatThrownBy(() -> parse("--tcp-services-proxy-protocol-from", "lb"))
                .hasMessageContaining("--tcp-services-proxy-protocol-from: \"lb\" is not an IP address or CIDR range");
    }
}
