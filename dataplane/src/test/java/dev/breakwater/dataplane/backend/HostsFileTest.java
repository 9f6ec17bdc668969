package dev.breakwater.dataplane.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.resolver.ResolvedAddressTypes;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostsFileTest {

    @TempDir
    Path tmp;

    @Test
    void namesOfTheFileComeFirst_thenTheSystemsHostsFile() throws Exception {
        Path file = tmp.resolve("hosts");
        Files.writeString(file, """
                # backends of a test
                127.0.0.1   web.backends.example   Api.Backends.Example
                ::1         v6.backends.example
                """);
        HostsFile hosts = HostsFile.read(file);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        assertThat(hosts.address("web.backends.example", ResolvedAddressTypes.IPV4_PREFERRED)).isEqualTo(loopback);
        assertThat(hosts.address("API.backends.example.", ResolvedAddressTypes.IPV4_ONLY)).isEqualTo(loopback);
        assertThat(hosts.address("v6.backends.example", ResolvedAddressTypes.IPV4_PREFERRED))
                .isEqualTo(InetAddress.getByName("::1"));
        assertThat(hosts.address("v6.backends.example", ResolvedAddressTypes.IPV4_ONLY)).isNull();
        assertThat(hosts.address("localhost", ResolvedAddressTypes.IPV4_ONLY)).isNotNull(); // /etc/hosts
        assertThat(hosts.address("unknown.backends.example", ResolvedAddressTypes.IPV4_PREFERRED)).isNull();
        assertThatThrownBy(() -> HostsFile.read(tmp.resolve("missing"))).hasMessageContaining("--hosts-file");
    }
}
