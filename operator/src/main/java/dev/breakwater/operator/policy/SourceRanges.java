package dev.breakwater.operator.policy;

import dev.breakwater.routing.Cidr;
import dev.breakwater.routing.SourceAllowlist;
import java.util.ArrayList;
import java.util.List;

/**
 * A denylist as an allowlist: the ranges of an allowlist (every address when there is none) without the denied ones,
 * so that the data plane checks one list ({@code denylist-source-range} before {@code allowlist-source-range}, as
 * ingress-nginx's {@code deny} rules come before its {@code allow} rules). Each denied range splits at most one range
 * per prefix bit, so the list stays small: at most 128 ranges per denied IPv6 range, 32 per IPv4 one.
 */
public final class SourceRanges {

    private SourceRanges() {
    }

    /**
     * The addresses of {@code allowlist} (null: all) that no range of {@code denied} holds; null when nothing is left
     * (every client is denied).
     */
    public static SourceAllowlist without(SourceAllowlist allowlist, List<Cidr> denied) {
        List<Cidr> ranges = new ArrayList<>(allowlist == null
                ? List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("::/0")) : allowlist.ranges());
        for (Cidr deny : denied) {
            List<Cidr> next = new ArrayList<>();
            for (Cidr range : ranges) {
                subtract(range, deny, next);
            }
            ranges = next;
        }
        return ranges.isEmpty() ? null : new SourceAllowlist(ranges.stream().map(Cidr::toString).toList());
    }

    /** Adds to {@code out} the ranges covering {@code range} without {@code deny}. */
    private static void subtract(Cidr range, Cidr deny, List<Cidr> out) {
        if (range.ipv6() != deny.ipv6()) {
            out.add(range);
            return;
        }
        byte[] rangeNetwork = network(range);
        byte[] denyNetwork = network(deny);
        if (deny.prefixLength() <= range.prefixLength() && deny.contains(rangeNetwork)) {
            return; // all of it is denied
        }
        if (range.prefixLength() >= deny.prefixLength() || !range.contains(denyNetwork)) {
            out.add(range); // they do not overlap
            return;
        }
        // deny lies inside one half of range: keep the other half whole, split the one that holds it
        int bit = range.prefixLength();
        for (int half = 0; half < 2; half++) {
            byte[] n = rangeNetwork.clone();
            if (half == 1) {
                n[bit >>> 3] |= (byte) (0x80 >>> (bit & 7));
            }
            Cidr part = Cidr.parse(text(n) + "/" + (bit + 1));
            subtract(part, deny, out);
        }
    }

    private static byte[] network(Cidr range) {
        String s = range.toString();
        return Cidr.parseAddress(s.substring(0, s.indexOf('/')));
    }

    private static String text(byte[] address) {
        StringBuilder sb = new StringBuilder();
        if (address.length == 4) {
            for (int i = 0; i < 4; i++) {
                sb.append(i == 0 ? "" : ".").append(address[i] & 0xff);
            }
        } else {
            for (int i = 0; i < 16; i += 2) {
                sb.append(i == 0 ? "" : ":").append(Integer.toHexString(((address[i] & 0xff) << 8)
                        | (address[i + 1] & 0xff)));
            }
        }
        return sb.toString();
    }
}
