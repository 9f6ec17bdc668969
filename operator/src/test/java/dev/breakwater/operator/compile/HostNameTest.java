package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HostNameTest {

    /** The rules as regular expressions, as HostName checked them before it checked by hand. */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("[0-9]+(\\.[0-9]+){3}");

    private static boolean validByPatterns(String host) {
        if (host.isEmpty() || !host.equals(host.toLowerCase(Locale.ROOT))) {
            return false;
        }
        String name = host.startsWith("*.") ? host.substring(2) : host;
        if (name.contains("*") || name.length() > 253 || IPV4.matcher(name).matches()) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    @Test
    void randomHostsAreJudgedAsThePatternsJudgeThem() {
        Random random = new Random(15);
        String alphabet = "ab09-.*.Z_.1";
        for (int i = 0; i < 50_000; i++) {
            StringBuilder host = new StringBuilder(random.nextInt(4) == 0 ? "*." : "");
            int length = random.nextInt(12);
            for (int c = 0; c < length; c++) {
                host.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String h = host.toString();
            assertThat(HostName.problem(h) == null).as(h).isEqualTo(validByPatterns(h));
        }
    }

    @Test
    void labelsAndAddresses() {
        assertThat(HostName.problem("foo.example.com")).isNull();
        assertThat(HostName.problem("*.example.com")).isNull();
        assertThat(HostName.problem("a" + "b".repeat(62) + ".com")).isNull();
        assertThat(HostName.problem("a" + "b".repeat(63) + ".com")).contains("label \"a" + "b".repeat(63) + "\"");
        assertThat(HostName.problem("10.0.0.1")).endsWith("must be a DNS name, not an IP address");
        assertThat(HostName.problem("10.0.0.1.example")).isNull();
        assertThat(HostName.problem("-a.example.com")).contains("label \"-a\"");
        assertThat(HostName.problem("a..com")).contains("label \"\"");
        assertThat(HostName.problem("example.com.")).contains("label \"\"");
    }
}
