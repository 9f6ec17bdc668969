package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.operator.compile.L4Sources;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --tcp-services-configmap} and {@code --udp-services-configmap} reach the compiler, checked. */
class LocalL4OptionsTest {

    @Test
    void theConfigMapOptionsReachTheCompilerOptions(@TempDir Path dir) {
        LocalCommand.LocalOptions o = LocalCommand.LocalOptions.parse(List.of(dir.toString(),
                "--tcp-services-configmap", "ingress-nginx/tcp-services", "--udp-services-configmap", "kube/udp"));
        assertThat(o.compilerOptions().l4Sources()).isEqualTo(new L4Sources("ingress-nginx/tcp-services", "kube/udp"));
        assertThat(LocalCommand.LocalOptions.parse(List.of(dir.toString())).compilerOptions().l4Sources())
                .isEqualTo(L4Sources.NONE);
        // a bad reference is a usage error of local (parse exits the JVM on one): the check itself
        assertThatThrownBy(() -> new L4Sources("tcp-services", null))
                .hasMessage("tcpServices: 'tcp-services' (expected: NAMESPACE/NAME of a ConfigMap)");
    }

    @Test
    void thePeersTrustedForTheConfigMapsProxyEntriesAreAnOptionDefaultingToEveryAddress(@TempDir Path dir) {
        LocalCommand.LocalOptions o = LocalCommand.LocalOptions.parse(List.of(dir.toString(),
                "--tcp-services-configmap", "ingress-nginx/tcp-services",
                "--tcp-services-proxy-protocol-from", "10.0.0.0/8, 192.0.2.7,2001:db8::/32"));
        assertThat(o.compilerOptions().l4Sources().proxyProtocolFrom())
                .containsExactly("10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32");
        assertThat(new L4Sources("a/b", null).proxyProtocolFrom()).containsExactly("0.0.0.0/0", "::/0");
        assertThatThrownBy(() -> L4Sources.cidrs("--tcp-services-proxy-protocol-from", "10.0.0.0/8,lb.example.com"))
                .hasMessage("--tcp-services-proxy-protocol-from: \"lb.example.com\" is not an IP address or CIDR range");
    }
}
