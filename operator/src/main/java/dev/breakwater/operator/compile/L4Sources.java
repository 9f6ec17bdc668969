package dev.breakwater.operator.compile;

import dev.breakwater.routing.Cidr;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The ConfigMaps of L4 listeners, in ingress-nginx's format ({@code --tcp-services-configmap},
 * {@code --udp-services-configmap}): {@code namespace/name} each, or null for none; and the peers whose PROXY
 * protocol headers their {@code :PROXY} entries accept ({@code --tcp-services-proxy-protocol-from}).
 *
 * @param proxyProtocolFrom CIDR ranges; null for every address ({@code 0.0.0.0/0}, {@code ::/0}), as ingress-nginx
 */
public record L4Sources(String tcpServices, String udpServices, List<String> proxyProtocolFrom) {

    /** Every address: ingress-nginx's behaviour, the default. */
    public static final List<String> ANY_PEER = List.of("0.0.0.0/0", "::/0");

    public static final L4Sources NONE = new L4Sources(null, null);

    /** PROXY headers of {@code :PROXY} entries accepted from every peer. */
    public L4Sources(String tcpServices, String udpServices) {
        this(tcpServices, udpServices, null);
    }

    private static final Pattern REF = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    public L4Sources {
        check("tcpServices", tcpServices);
        check("udpServices", udpServices);
        proxyProtocolFrom = proxyProtocolFrom == null ? ANY_PEER : List.copyOf(proxyProtocolFrom);
        if (proxyProtocolFrom.isEmpty()) {
            throw new IllegalArgumentException("proxyProtocolFrom: empty (expected: CIDR ranges)");
        }
        for (String cidr : proxyProtocolFrom) {
            Cidr.parse(cidr);
        }
    }

    /** {@code 10.0.0.0/8, 192.0.2.7} as CIDR ranges (an address alone is /32 or /128). */
    public static List<String> cidrs(String option, String value) {
        List<String> out = new java.util.ArrayList<>();
        for (String part : value.split(",")) {
            String entry = part.trim();
            String range = entry.contains("/") ? entry : entry + (entry.contains(":") ? "/128" : "/32");
            try {
                Cidr.parse(range);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + ": \"" + entry + "\" is not an IP address or CIDR range");
            }
            out.add(range);
        }
        return List.copyOf(out);
    }

    private static void check(String field, String ref) {
        if (ref != null && !REF.matcher(ref).matches()) {
            throw new IllegalArgumentException(field + ": '" + ref + "' (expected: NAMESPACE/NAME of a ConfigMap)");
        }
    }
}
