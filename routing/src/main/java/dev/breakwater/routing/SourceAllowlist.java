package dev.breakwater.routing;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * Client addresses a route serves; any other client gets {@code 403}. IPv4 and IPv6 ranges may be mixed
 * (ingress-nginx's {@code allowlist-source-range}).
 *
 * @param cidrs ranges such as {@code 10.0.0.0/8}, {@code 192.168.1.7}, {@code 2001:db8::/32} (see {@link Cidr})
 */
public record SourceAllowlist(List<String> cidrs) {

    public SourceAllowlist {
        cidrs = List.copyOf(cidrs).stream().map(String::trim).toList();
        if (cidrs.isEmpty()) {
            throw new IllegalArgumentException("cidrs: empty (expected: at least one range)");
        }
        cidrs.forEach(Cidr::parse);
    }

    /** The ranges, parsed. */
    @JsonIgnore
    public List<Cidr> ranges() {
        return cidrs.stream().map(Cidr::parse).toList();
    }
}
