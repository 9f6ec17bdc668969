package dev.breakwater.routing;

import java.util.Arrays;
import java.util.Objects;

/**
 * An IPv4 or IPv6 address range in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a bare address
 * is a range of one ({@code /32}, {@code /128}). Bits beyond the prefix are ignored, as nginx does
 * ({@code 10.0.0.1/24} is {@code 10.0.0.0/24}). IPv4-mapped IPv6 ranges ({@code ::ffff:10.0.0.0/104}) are
 * held as their IPv4 range. Parsing never touches DNS: only address literals are accepted.
 */
public final class Cidr {

    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code address[/prefix]}.
     *
     * @throws IllegalArgumentException if it is not an IP literal with a prefix length in range
     */
    public static Cidr parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.trim();
        int slash = s.indexOf('/');
        byte[] address = parseLiteral(slash < 0 ? s : s.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 or IPv6 address or CIDR range");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException("\"" + text + "\" has a bad prefix length (expected: 0 to " + bits
                        + ")");
            }
            prefix = Integer.parseInt(p);
        }
        if (address.length == 16 && isIpv4Mapped(address) && prefix >= 96) {
            address = Arrays.copyOfRange(address, 12, 16);
            prefix -= 96;
        }
        for (int bit = prefix; bit < address.length * 8; bit++) {
            address[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
        return new Cidr(address, prefix);
    }

    /**
     * The bytes of an IPv4 (4 bytes) or IPv6 (16 bytes) literal, IPv4-mapped IPv6 addresses as IPv4; null when
     * {@code text} is not one. An IPv6 zone ({@code %eth0}) is ignored.
     */
    public static byte[] parseAddress(String text) {
        byte[] a = parseLiteral(text);
        return a != null && a.length == 16 && isIpv4Mapped(a) ? Arrays.copyOfRange(a, 12, 16) : a;
    }

    private static byte[] parseLiteral(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String s = text;
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.indexOf(':') < 0) {
            return parseIpv4(s);
        }
        int zone = s.indexOf('%');
        return parseIpv6(zone < 0 ? s : s.substring(0, zone));
    }

    /** True when {@code address} (4 or 16 bytes, as {@link #parseAddress} gives) is in this range. */
    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        int whole = prefixLength >>> 3;
        for (int i = 0; i < whole; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength & 7;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[whole] & mask) == (network[whole] & 0xff);
    }

    public int prefixLength() {
        return prefixLength;
    }

    /** True for an IPv6 range. */
    public boolean ipv6() {
        return network.length == 16;
    }

    private static boolean isIpv4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private static byte[] parseIpv4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (value < 0 || part == 4) {
                    return null;
                }
                out[part++] = (byte) value;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    private static byte[] parseIpv6(String s) {
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            return null;
        }
        byte[] out = new byte[16];
        if (doubleColon < 0) {
            return parseGroups(s, out, 0, 16) == 16 ? out : null;
        }
        String head = s.substring(0, doubleColon);
        String tail = s.substring(doubleColon + 2);
        byte[] tailBytes = new byte[16];
        int headLen = head.isEmpty() ? 0 : parseGroups(head, out, 0, 14);
        int tailLen = tail.isEmpty() ? 0 : parseGroups(tail, tailBytes, 0, 14);
        if (headLen < 0 || tailLen < 0 || headLen + tailLen > 14) {
            return null;
        }
        System.arraycopy(tailBytes, 0, out, 16 - tailLen, tailLen);
        return out;
    }

    /** Parses colon-separated hex groups (the last may be dotted IPv4) into out; bytes written or -1. */
    private static int parseGroups(String s, byte[] out, int offset, int max) {
        String[] groups = s.split(":", -1);
        int n = offset;
        for (int g = 0; g < groups.length; g++) {
            String group = groups[g];
            if (g == groups.length - 1 && group.indexOf('.') >= 0) {
                byte[] v4 = parseIpv4(group);
                if (v4 == null || n + 4 > max) {
                    return -1;
                }
                System.arraycopy(v4, 0, out, n, 4);
                n += 4;
                continue;
            }
            if (group.isEmpty() || group.length() > 4 || n + 2 > max) {
                return -1;
            }
            int v;
            try {
                v = Integer.parseInt(group, 16);
            } catch (NumberFormatException e) {
                return -1;
            }
            if (group.charAt(0) == '+' || group.charAt(0) == '-') {
                return -1;
            }
            out[n++] = (byte) (v >>> 8);
            out[n++] = (byte) v;
        }
        return n - offset;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && prefixLength == c.prefixLength && Arrays.equals(network, c.network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (network.length == 4) {
            for (int i = 0; i < 4; i++) {
                sb.append(i == 0 ? "" : ".").append(network[i] & 0xff);
            }
        } else {
            for (int i = 0; i < 16; i += 2) {
                sb.append(i == 0 ? "" : ":").append(Integer.toHexString(((network[i] & 0xff) << 8) | (network[i + 1] & 0xff)));
            }
        }
        return sb.append('/').append(prefixLength).toString();
    }
}
