package dev.breakwater.operator.annotation;

import static dev.breakwater.operator.annotation.AnnotationKey.both;
import static dev.breakwater.operator.annotation.AnnotationKey.named;
import static dev.breakwater.operator.annotation.AnnotationKey.nginx;
import static dev.breakwater.operator.annotation.AnnotationKey.ours;

import dev.breakwater.operator.policy.TlsPolicies;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.RoutePolicy;
import java.util.List;
import java.util.Locale;

/** TLS: redirects to HTTPS, HSTS, the protocol and TLS of the backends, client certificates. */
final class TlsAnnotations {

    static final AnnotationKey<Boolean> SSL_REDIRECT = both("ssl-redirect", Parsers.BOOLEAN).doc(
            "boolean; default `true` for hosts in `spec.tls`", "`308` from HTTP to HTTPS, path and query as sent",
            "`preserve-trailing-slash` is not read");
    static final AnnotationKey<Boolean> FORCE_SSL_REDIRECT = both("force-ssl-redirect", Parsers.BOOLEAN).doc(
            "boolean; default `false`", "redirect to HTTPS even without TLS for the host", "");
    static final AnnotationKey<Boolean> HSTS = ours("hsts", Parsers.BOOLEAN);
    static final AnnotationKey<Long> HSTS_MAX_AGE = ours("hsts-max-age",
            Parsers.seconds(TlsPolicies.HSTS_MAX_AGE_SECONDS));
    static final AnnotationKey<Boolean> HSTS_INCLUDE_SUBDOMAINS = ours("hsts-include-subdomains", Parsers.BOOLEAN);
    static final AnnotationKey<Boolean> HSTS_PRELOAD = ours("hsts-preload", Parsers.BOOLEAN);
    static final AnnotationKey<Cluster.Protocol> BACKEND_PROTOCOL = both("backend-protocol",
            TlsAnnotations::protocol).doc("`HTTP`, `HTTPS`, `GRPC`, `GRPCS` (any case); default `HTTP`",
            "HTTP/1.1, HTTP/1.1 over TLS, HTTP/2 cleartext, HTTP/2 over TLS to the endpoints",
            "`AJP` and `FCGI` are warnings and `HTTP` applies");
    static final AnnotationKey<String> BACKEND_CA = named("backend-ca-secret", "proxy-ssl-secret", Parsers.SECRET)
            .doc("`namespace/name` or `name`", "with `proxy-ssl-verify: on`, HTTPS/GRPCS endpoints are verified "
                    + "against its `ca.crt`", "its `tls.crt`/`tls.key` are not presented to the endpoints (no client "
                    + "certificate upstream); a missing or unreadable CA is an error and the routes answer `503`");
    static final AnnotationKey<Boolean> BACKEND_VERIFY = named("backend-verify", "proxy-ssl-verify", Parsers.ON_OFF)
            .doc("`on`/`off` (`true`/`false`); default `off`", "verify TLS endpoints",
                    "`proxy-ssl-verify-depth`, `-ciphers`, `-protocols` are not read");
    static final AnnotationKey<String> BACKEND_SERVER_NAME = named("backend-server-name", "proxy-ssl-name",
            Parsers.TEXT).doc("a host name", "the name verified and sent as SNI to TLS endpoints",
            "sent as SNI whatever `proxy-ssl-server-name` says");
    static final AnnotationKey<Boolean> BACKEND_SNI = nginx("proxy-ssl-server-name", Parsers.ON_OFF).doc(
            "`on`, `off`; default `off`", "`on` with `proxy-ssl-name`: that name is sent as SNI to TLS endpoints, "
                    + "as Breakwater always does", "`off` with `proxy-ssl-name` is a warning: the name is sent all "
                    + "the same; `on` without it is a warning: no name is sent to endpoints that are addresses "
                    + "(nginx sends its upstream's name)");
    static final AnnotationKey<String> CLIENT_CA = named("client-ca-secret", "auth-tls-secret", Parsers.SECRET)
            .doc("`namespace/name` or `name`", "client certificates for the Ingress's hosts that are in its "
                    + "`spec.tls`, verified against `ca.crt`; `ssl-client-verify`, `ssl-client-subject-dn`, "
                    + "`ssl-client-issuer-dn` sent to the endpoints", "`auth-tls-verify-depth` and `-error-page` are not "
                    + "read; a missing CA makes the hosts answer `503`");
    static final AnnotationKey<String> CLIENT_VERIFY = named("client-verify", "auth-tls-verify-client",
            TlsAnnotations::clientVerify).doc("`on`, `optional`, `optional_no_ca`, `off`; default `on`",
            "`on` requires a certificate, `optional*` asks for one, `off` asks nothing",
            "`optional_no_ca` works as `optional`: a certificate that does not verify is refused in the handshake");

    static final AnnotationKey<Boolean> CLIENT_PASS_CERTIFICATE = named("pass-client-certificate",
            "auth-tls-pass-certificate-to-upstream", Parsers.BOOLEAN).doc("boolean; default `false`", "`true`: the "
                    + "client certificate verified in the handshake goes to the endpoints in `ssl-client-cert`, PEM "
                    + "percent-encoded as nginx's `$ssl_client_escaped_cert`; on hosts with client certificates a "
                    + "client's own `ssl-client-cert` header is removed, passed or not", "");

    static final List<AnnotationKey<?>> KEYS = List.of(SSL_REDIRECT, FORCE_SSL_REDIRECT, HSTS, HSTS_MAX_AGE,
            HSTS_INCLUDE_SUBDOMAINS, HSTS_PRELOAD, BACKEND_PROTOCOL, BACKEND_CA, BACKEND_VERIFY, BACKEND_SERVER_NAME,
            CLIENT_CA, CLIENT_VERIFY, CLIENT_PASS_CERTIFICATE, BACKEND_SNI);

    /**
     * What the TLS annotations say.
     *
     * @param sslRedirect        {@code ssl-redirect}, or null when not set
     * @param forceSslRedirect   {@code force-ssl-redirect}
     * @param hsts               {@code breakwater.dev/hsts*}, or null
     * @param protocol           {@code backend-protocol} (HTTP1 when not set)
     * @param backendCaSecret    the CA Secret of the backends as ns/name, or null
     * @param backendCaKey       the annotation that named it, or null
     * @param backendVerify      verify the backends
     * @param backendServerName  the name verified and sent as SNI to the backends, or null
     * @param clientCaSecret     the CA Secret of client certificates as ns/name, or null
     * @param clientCaKey        the annotation that named it, or null
     * @param clientCertRequired a client certificate is required (else optional)
     */
    record Tls(Boolean sslRedirect, boolean forceSslRedirect, RoutePolicy.Hsts hsts, Cluster.Protocol protocol,
               String backendCaSecret, String backendCaKey, boolean backendVerify, String backendServerName,
               String clientCaSecret, String clientCaKey, boolean clientCertRequired) {
    }

    private TlsAnnotations() {
    }

    static Tls read(AnnotationReader r) {
        Boolean sslRedirect = r.get(SSL_REDIRECT);
        boolean force = r.get(FORCE_SSL_REDIRECT, false);
        RoutePolicy.Hsts hsts = null;
        if (r.get(HSTS, false)) {
            hsts = TlsPolicies.hsts(r.get(HSTS_MAX_AGE), r.get(HSTS_INCLUDE_SUBDOMAINS, false),
                    r.get(HSTS_PRELOAD, false));
        } else {
            for (AnnotationKey<?> k : List.of(HSTS_MAX_AGE, HSTS_INCLUDE_SUBDOMAINS, HSTS_PRELOAD)) {
                if (r.value(k) != null) {
                    r.warn(r.name(k), "has no effect unless " + r.name(HSTS) + " is \"true\"");
                }
            }
        }
        Cluster.Protocol protocol = r.get(BACKEND_PROTOCOL, Cluster.Protocol.HTTP1);
        String backendCaKey = r.name(BACKEND_CA);
        String backendCa = r.secret(BACKEND_CA);
        String verifyKey = r.name(BACKEND_VERIFY);
        // our own CA annotation means "verify with it"; ingress-nginx's needs proxy-ssl-verify: on, as there
        boolean backendVerify = r.get(BACKEND_VERIFY, backendCa != null && backendCaKey.equals(BACKEND_CA.oursName()));
        String serverKey = r.name(BACKEND_SERVER_NAME);
        String serverName = r.value(serverKey);
        if (!protocol.tls()) {
            for (String k : List.of(backendCaKey, verifyKey, serverKey, BACKEND_SNI.nginxName())) {
                if (r.value(k) != null) {
                    r.warn(k, "has no effect: the backend protocol is not HTTPS or GRPCS");
                }
            }
        } else {
            Boolean sni = r.get(BACKEND_SNI);
            if (Boolean.FALSE.equals(sni) && serverName != null) {
                r.warn(BACKEND_SNI.nginxName(), "\"off\" is not applied: Breakwater sends " + serverKey
                        + " (\"" + serverName + "\") as SNI to the endpoints");
            } else if (Boolean.TRUE.equals(sni) && serverName == null) {
                r.warn(BACKEND_SNI.nginxName(), "no name is sent as SNI without " + BACKEND_SERVER_NAME.nginxName()
                        + ": the endpoints are addresses");
            }
        }
        String clientCaKey = r.name(CLIENT_CA);
        String clientCa = r.secret(CLIENT_CA);
        String verify = r.get(CLIENT_VERIFY, "on");
        if ("off".equalsIgnoreCase(r.value(CLIENT_VERIFY))) {
            clientCa = null;
        }
        return new Tls(sslRedirect, force, hsts, protocol, backendCa, backendCa == null ? null : backendCaKey,
                backendVerify, serverName, clientCa, clientCa == null ? null : clientCaKey, verify.equals("on"));
    }

    /**
     * {@code auth-tls-pass-certificate-to-upstream}: true when the certificate goes to the endpoints, else null; set
     * without client certificates ({@code auth-tls-secret}) it is a warning.
     */
    static Boolean passCertificate(AnnotationReader r, Tls tls) {
        if (!r.get(CLIENT_PASS_CERTIFICATE, false)) {
            return null;
        }
        if (tls.clientCaSecret() == null) {
            r.warn(r.name(CLIENT_PASS_CERTIFICATE), "has no effect without client certificates ("
                    + CLIENT_CA.nginxName() + ", and auth-tls-verify-client not off)");
            return null;
        }
        return true;
    }

    private static Cluster.Protocol protocol(String v, java.util.function.Consumer<String> problems) {
        switch (v.trim().toUpperCase(Locale.ROOT)) {
            case "HTTP":
                return Cluster.Protocol.HTTP1;
            case "HTTPS":
                return Cluster.Protocol.HTTPS;
            case "GRPC":
            case "H2C":
                return Cluster.Protocol.H2C;
            case "GRPCS":
                return Cluster.Protocol.H2;
            default:
                problems.accept("\"" + v + "\" is not one of HTTP, HTTPS, GRPC, GRPCS, H2C; using HTTP");
                return null;
        }
    }

    /** {@code on}, {@code optional} (also for {@code optional_no_ca}) or {@code off}. */
    private static String clientVerify(String v, java.util.function.Consumer<String> problems) {
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "on":
                return "on";
            case "optional":
            case "optional_no_ca":
                return "optional";
            case "off":
                return "off";
            default:
                problems.accept("\"" + v + "\" is not one of on, optional, optional_no_ca, off; using on");
                return null;
        }
    }
}
