package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.dataplane.testing.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The served certificates' expiry and the table's applied time on a real data plane's admin port: certificates made
 * by BouncyCastle with known validity, read back from {@code /metrics} over HTTP.
 */
class CertificateExpiryMetricsTest {

    private final TestPki pki = TestPki.create("Expiry CA");

    private static String metrics(DataPlane proxy) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + proxy.adminPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as(series + " in\n" + metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void eachServedCertificateHasItsSecondsUntilNotAfterAndLeftOnesDisappear() throws Exception {
        try (TestBackend backend = TestBackend.start("app");
             DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0)
                     .workers(1).build().start()) {
            TestPki.Issued five = pki.issue(TestPki.KeyForm.EC_PKCS8, Duration.ofDays(5), "a.example.com",
                    "a.example.com");
            TestPki.Issued ten = pki.issue(TestPki.KeyForm.RSA_PKCS8, Duration.ofDays(10), "b.example.com",
                    "b.example.com");
            Instant before = Instant.now();
            proxy.apply(Tables.builder().cluster("app", backend).prefix("a.example.com", "/", "app")
                    .prefix("b.example.com", "/", "app").build(List.of(five.forHosts("default/a", "a.example.com"),
                            ten.forHosts("default/b", "b.example.com"))));
            String m = metrics(proxy);
            long toFive = five.certificate().getNotAfter().toInstant().getEpochSecond() - Instant.now().getEpochSecond();
            long toTen = ten.certificate().getNotAfter().toInstant().getEpochSecond() - Instant.now().getEpochSecond();

            assertThat(value(m, "breakwater_tls_certificate_expiry_seconds{certificate=\"default/a\"}"))
                    .isBetween(toFive - 60.0, toFive + 60.0);
            assertThat(value(m, "breakwater_tls_certificate_expiry_seconds{certificate=\"default/b\"}"))
                    .isBetween(toTen - 60.0, toTen + 60.0);
            assertThat(m).contains("breakwater_tls_certificate_expiry_seconds{certificate=\"");
            assertThat(value(m, "breakwater_table_applied_timestamp_seconds"))
                    .isBetween(before.getEpochSecond() - 1.0, Instant.now().getEpochSecond() + 1.0);

            proxy.apply(Tables.builder().cluster("app", backend).prefix("b.example.com", "/", "app")
                    .build(List.of(ten.forHosts("default/b", "b.example.com"))).withVersion(2));
            String after = metrics(proxy);
            assertThat(after).doesNotContain("certificate=\"default/a\"")
                    .contains("breakwater_tls_certificate_expiry_seconds{certificate=\"default/b\"}");
        }
    }
}
