package dev.breakwater.operator.annotation;

import static dev.breakwater.operator.annotation.AnnotationKey.both;

import dev.breakwater.operator.diagnostic.Diagnostic;
import java.util.List;
import java.util.Map;

/** Layer 4: TLS passthrough of an Ingress's hosts. */
public final class L4Annotations {

    static final AnnotationKey<Boolean> SSL_PASSTHROUGH = both("ssl-passthrough", Parsers.BOOLEAN).doc(
            "boolean; default `false`", "TLS of the Ingress's hosts is not terminated: the HTTPS port reads the SNI "
                    + "name of the ClientHello and splices the connection to the backend of the host's `/` path (or "
                    + "its first path); see [L4](l4.md#tls-passthrough)", "needs no controller flag (ingress-nginx's "
                    + "`--enable-ssl-passthrough`); plain HTTP of those hosts is still routed by the Ingress's paths");

    static final List<AnnotationKey<?>> KEYS = List.of(SSL_PASSTHROUGH);

    private L4Annotations() {
    }

    /** True when the annotations of {@code object} ask for TLS passthrough; a bad value is a warning (false). */
    public static boolean sslPassthrough(String object, String namespace, Map<String, String> annotations,
                                         List<Diagnostic> diagnostics) {
        AnnotationReader r = new AnnotationReader(object, namespace, annotations == null ? Map.of() : annotations,
                diagnostics);
        return r.get(SSL_PASSTHROUGH, false);
    }
}
