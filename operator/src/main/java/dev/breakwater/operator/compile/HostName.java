package dev.breakwater.operator.compile;

import java.util.Locale;
import java.util.regex.Pattern;

/** Checks the {@code host} of an Ingress rule: a lower-case DNS name, optionally with a {@code *.} first label. */
final class HostName {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("[0-9]+(\\.[0-9]+){3}");

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
        if (IPV4.matcher(name).matches()) {
            return "host \"" + host + "\" must be a DNS name, not an IP address";
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return "host \"" + host + "\" is not a valid DNS name (label \"" + label
                        + "\": 1-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit)";
            }
        }
        return null;
    }
}
