package dev.breakwater.operator.compile;

import java.util.regex.Pattern;

/**
 * The ConfigMaps of L4 listeners, in ingress-nginx's format ({@code --tcp-services-configmap},
 * {@code --udp-services-configmap}): {@code namespace/name} each, or null for none.
 */
public record L4Sources(String tcpServices, String udpServices) {

    public static final L4Sources NONE = new L4Sources(null, null);

    private static final Pattern REF = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    public L4Sources {
        check("tcpServices", tcpServices);
        check("udpServices", udpServices);
    }

    private static void check(String field, String ref) {
        if (ref != null && !REF.matcher(ref).matches()) {
            throw new IllegalArgumentException(field + ": '" + ref + "' (expected: NAMESPACE/NAME of a ConfigMap)");
        }
    }
}
