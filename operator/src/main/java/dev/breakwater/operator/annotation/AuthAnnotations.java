package dev.breakwater.operator.annotation;

import static dev.breakwater.operator.annotation.AnnotationKey.nginx;

import java.util.List;

/** ingress-nginx authentication, which Breakwater cannot enforce: asked for, the Ingress fails closed. */
final class AuthAnnotations {

    static final AnnotationKey<String> AUTH_URL = nginx("auth-url", Parsers.TEXT).doc("a URL",
            "refused: an error, and the Ingress's routes answer `503`", "external authentication is not implemented");
    static final AnnotationKey<String> AUTH_TYPE = nginx("auth-type", Parsers.TEXT).doc("`basic`, `digest`",
            "refused: an error, and the Ingress's routes answer `503`",
            "basic and digest authentication are not implemented");

    static final List<AnnotationKey<?>> KEYS = List.of(AUTH_URL, AUTH_TYPE);

    private AuthAnnotations() {
    }

    /**
     * True when authentication is asked for (each key an error) on an Ingress that is not a canary: its routes must
     * then answer 503 rather than serve every client.
     */
    static boolean unsupported(AnnotationReader r, boolean canary) {
        boolean asked = false;
        for (AnnotationKey<String> k : List.of(AUTH_URL, AUTH_TYPE)) {
            if (!canary && r.value(k) != null) {
                r.error(k.nginxName(), "ingress-nginx authentication is not supported by Breakwater; the Ingress's "
                        + "routes answer 503 rather than serve clients that were meant to authenticate");
                asked = true;
            }
        }
        return asked;
    }
}
