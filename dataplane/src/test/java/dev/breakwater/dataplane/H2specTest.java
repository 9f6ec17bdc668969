package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 conformance: h2spec (installed by tools/h2spec.sh from the Go module proxy) against the TLS
 * listener. Every case must pass except the ones listed in {@link #KNOWN}, each with its reason.
 */
class H2specTest {

    /**
     * h2spec cases we do not pass (also listed in docs/proxy.md). All three are about frames on streams the server has
     * already finished: Netty's HTTP/2 codec answers a late HEADERS on a closed or half-closed stream with
     * RST_STREAM (or ignores it, as RFC 9113 section 5.1 allows for recently closed streams) instead of a
     * connection error, and does not treat a smaller, already-used stream id as a connection error once that
     * stream is gone. Netty's own h2spec suite excludes the same cases.
     */
    static final Set<String> KNOWN = Set.of(
            "half closed (remote): Sends a HEADERS frame",
            "closed: Sends a HEADERS frame",
            "Sends stream identifier that is numerically smaller than previous");

    @Test
    void theTlsListenerPassesH2spec() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        Process install = new ProcessBuilder(repo.resolve("tools/h2spec.sh").toString()).start();
        String h2spec = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(install.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(install.exitValue()).as("tools/h2spec.sh: " + new String(install.getErrorStream().readAllBytes()))
                .isZero();
        try (TestBackend backend = TestBackend.start("app");
             DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0)
                     .workers(2).build().start()) {
            proxy.apply(Tables.builder().cluster("app", backend).prefix("*", "/", "app").build());
            Process run = new ProcessBuilder(h2spec, "-t", "-k", "-h", "127.0.0.1",
                    "-p", Integer.toString(proxy.httpsPort()), "-o", "3")
                    .redirectErrorStream(true).start();
            String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(run.waitFor(300, TimeUnit.SECONDS)).isTrue();
            System.out.println(out);

            Matcher summary = Pattern.compile("(\\d+) tests, (\\d+) passed, (\\d+) skipped, (\\d+) failed")
                    .matcher(out);
            assertThat(summary.find()).as(out).isTrue();
            List<String> failed = new ArrayList<>();
            if (out.contains("Failures:")) {
                Matcher failure = Pattern.compile("(?m)^\\s*\u00d7 \\d+: (.+)$")
                        .matcher(out.substring(out.indexOf("Failures:")));
                while (failure.find()) {
                    failed.add(failure.group(1).trim());
                }
            }
            int all = failed.size();
            failed.removeIf(f -> KNOWN.stream().anyMatch(f::contains));
            assertThat(failed).as("h2spec failures:\n" + out).isEmpty();
            assertThat(all).as("failures counted").isEqualTo(Integer.parseInt(summary.group(4)));
            assertThat(Integer.parseInt(summary.group(2))).isGreaterThanOrEqualTo(142);
        }
    }
}
