package dev.breakwater.operator.compile;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.routing.Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The certificate named by {@code --default-certificate NAMESPACE/NAME}: a {@code kubernetes.io/tls}
 * Secret, checked like any other, served when no SNI name matches (as ingress-nginx's
 * {@code --default-ssl-certificate}).
 */
public final class DefaultCertificate {

    private DefaultCertificate() {
    }

    /**
     * @throws IllegalArgumentException naming the Secret and what is wrong with it
     */
    public static Certificate from(ClusterSnapshot snapshot, String ref, Instant now) {
        TlsSecrets.Loaded loaded = new TlsSecrets(snapshot.secrets(), now, null).certificate(ref, List.of());
        if (loaded.certificate() == null) {
            throw new IllegalArgumentException("--default-certificate " + ref + ": " + loaded.problem());
        }
        return loaded.certificate();
    }
}
