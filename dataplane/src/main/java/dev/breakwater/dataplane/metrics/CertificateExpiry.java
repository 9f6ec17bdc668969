package dev.breakwater.dataplane.metrics;

import dev.breakwater.routing.Certificate;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code breakwater_tls_certificate_expiry_seconds{certificate}}: seconds until the {@code notAfter} of the leaf of
 * each certificate the data plane serves (negative once expired), read at each scrape; one gauge per certificate of
 * the current table, removed with it. Updated when a table is applied (not on an event loop).
 */
public final class CertificateExpiry {

    static final String NAME = "breakwater.tls.certificate.expiry";

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Served> served = new HashMap<>();

    /** The gauge's state: the notAfter of one certificate, in epoch milliseconds. */
    private record Served(long notAfterMillis, Gauge gauge) {
    }

    public CertificateExpiry(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** The certificates now served (the table's and the default one); gauges of others are removed. */
    public synchronized void serving(List<Certificate> certificates) {
        Map<String, Long> next = new HashMap<>();
        for (Certificate c : certificates) {
            Long notAfter = notAfterMillis(c.certificateChain());
            if (notAfter != null) {
                next.putIfAbsent(c.name(), notAfter);
            }
        }
        served.entrySet().removeIf(e -> {
            Long n = next.get(e.getKey());
            if (n == null || n != e.getValue().notAfterMillis()) {
                registry.remove(e.getValue().gauge());
                return true;
            }
            return false;
        });
        next.forEach((name, notAfter) -> served.computeIfAbsent(name, k -> new Served(notAfter,
                Gauge.builder(NAME, () -> (notAfter - clock.millis()) / 1000.0).baseUnit("seconds")
                        .description("Seconds until the notAfter of a served certificate (negative: expired)")
                        .tag("certificate", name).register(registry))));
    }

    /** The notAfter of the first certificate of a PEM chain, or null when it does not parse. */
    static Long notAfterMillis(String pem) {
        if (pem == null) {
            return null;
        }
        try {
            X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            return leaf.getNotAfter().getTime();
        } catch (CertificateException | RuntimeException e) {
            return null;
        }
    }
}
