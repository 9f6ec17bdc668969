package dev.breakwater.dataplane.backend;

import io.netty.resolver.HostsFileEntriesProvider;
import io.netty.resolver.HostsFileEntriesResolver;
import io.netty.resolver.ResolvedAddressTypes;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Names of endpoints (ExternalName Services, {@code addressType: FQDN} EndpointSlices) looked up in a hosts file
 * of our own ({@code --hosts-file}, same format as {@code /etc/hosts}) before the system's {@code /etc/hosts} and
 * DNS. Read once, at start.
 */
public final class HostsFile implements HostsFileEntriesResolver {

    private final Map<String, List<InetAddress>> ipv4;
    private final Map<String, List<InetAddress>> ipv6;

    private HostsFile(HostsFileEntriesProvider entries) {
        this.ipv4 = entries.ipv4Entries();
        this.ipv6 = entries.ipv6Entries();
    }

    /** Reads {@code file}; an unreadable file is an error naming it. */
    public static HostsFile read(Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("--hosts-file: cannot read " + file);
        }
        try {
            return new HostsFile(HostsFileEntriesProvider.parser().parse(file.toFile(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("--hosts-file: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Names this file holds (lower case). */
    public int size() {
        return ipv4.size() + ipv6.size();
    }

    @Override
    public InetAddress address(String inetHost, ResolvedAddressTypes types) {
        String name = inetHost.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        boolean v6First = types == ResolvedAddressTypes.IPV6_PREFERRED || types == ResolvedAddressTypes.IPV6_ONLY;
        InetAddress found = first(v6First ? ipv6 : ipv4, name);
        if (found == null && types != ResolvedAddressTypes.IPV4_ONLY && types != ResolvedAddressTypes.IPV6_ONLY) {
            found = first(v6First ? ipv4 : ipv6, name);
        }
        return found != null ? found : HostsFileEntriesResolver.DEFAULT.address(inetHost, types);
    }

    private static InetAddress first(Map<String, List<InetAddress>> entries, String name) {
        List<InetAddress> list = entries.get(name);
        return list == null || list.isEmpty() ? null : list.get(0);
    }
}
