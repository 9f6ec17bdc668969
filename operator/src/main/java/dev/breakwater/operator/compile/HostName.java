package dev.breakwater.operator.compile;

import java.util.Locale;

/** Checks the {@code host} of an Ingress rule: a lower-case DNS name, optionally with a {@code *.} first label. */
final class HostName {

    private HostName() {
    }

    /** Why {@code host} is not a valid Ingress host, or null when it is. */
    static String problem(String host) {
        if (host.isEmpty()) {
            return "host must not be empty (omit it to match every host)";
        }
        if (!host.equals(host.toLowerCase(Locale.ROOT))) {
            return "host \"" + host + "\" must be lower case";
        }
        String name = host.startsWith("*.") ? host.substring(2) : host;
        if (name.contains("*")) {
            return "host \"" + host + "\": a wildcard is allowed only as the whole first label (\"*.example.com\")";
        }
        if (name.length() > 253) {
            return "host \"" + host + "\" is longer than 253 characters";
        }
        if (ipv4(name)) {
            return "host \"" + host + "\" must be a DNS name, not an IP address";
        }
        // label by label, without a regular expression: every Ingress rule's host is checked
        for (int start = 0; ; ) {
            int dot = name.indexOf('.', start);
            int end = dot < 0 ? name.length() : dot;
            if (!label(name, start, end)) {
                return "host \"" + host + "\" is not a valid DNS name (label \"" + name.substring(start, end)
                        + "\": 1-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit)";
            }
            if (dot < 0) {
                return null;
            }
            start = dot + 1;
        }
    }

    /** {@code [a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?} between {@code start} and {@code end}. */
    private static boolean label(String name, int start, int end) {
        int length = end - start;
        if (length < 1 || length > 63 || name.charAt(start) == '-' || name.charAt(end - 1) == '-') {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** {@code [0-9]+(\\.[0-9]+){3}}: four groups of digits between dots. */
    private static boolean ipv4(String name) {
        int groups = 1;
        int digits = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                if (digits == 0) {
                    return false;
                }
                groups++;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                digits++;
            } else {
                return false;
            }
        }
        return groups == 4 && digits > 0;
    }
}
