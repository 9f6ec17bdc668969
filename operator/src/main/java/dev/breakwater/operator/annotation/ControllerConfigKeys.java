package dev.breakwater.operator.annotation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every key of ingress-nginx's controller ConfigMap ({@code --configmap}) that Breakwater reads, declared once: most
 * set the default of an annotation (an Ingress's own annotation wins), the {@code global-auth-*} keys set external
 * authentication for every Ingress that has none of its own, a few are checked against what Breakwater does. Any
 * other key is a warning naming it. The ConfigMap table of docs/ingress-nginx-annotations.md and the migration
 * report ({@code breakwater migrate}) are derived from these declarations.
 */
public final class ControllerConfigKeys {

    /**
     * One ConfigMap key.
     *
     * @param name       the key
     * @param annotation the annotation key whose default it sets (with {@code globalAuth}: only for Ingresses without
     *                   authentication of their own), or null for a key checked by {@link ControllerConfig} itself
     * @param globalAuth one of the {@code global-auth-*} keys
     * @param breakwater what Breakwater does with it
     * @param deviations how that differs from ingress-nginx when set (empty: served as is)
     * @param unset      how Breakwater differs from ingress-nginx when the key is not set (their defaults differ), or
     *                   empty
     */
    public record ConfigKey(String name, AnnotationKey<?> annotation, boolean globalAuth, String breakwater,
                            String deviations, String unset) {
        public ConfigKey {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(breakwater, "breakwater");
            Objects.requireNonNull(deviations, "deviations");
            Objects.requireNonNull(unset, "unset");
        }

        /** This key, whose default differs from ingress-nginx's as {@code difference} says. */
        ConfigKey unset(String difference) {
            return new ConfigKey(name, annotation, globalAuth, breakwater, deviations, difference);
        }

        /** The full name of the annotation it sets the default of ({@code nginx.ingress.kubernetes.io/...}), or null. */
        public String annotationName() {
            return annotation == null ? null : annotation.nginx() != null ? annotation.nginxName()
                    : annotation.oursName();
        }
    }

    private static ConfigKey defaults(AnnotationKey<?> annotation, String deviations) {
        String name = annotation.nginx() != null ? annotation.nginx() : annotation.ours();
        return new ConfigKey(name, annotation, false, "the default of every Ingress's `" + name + "` annotation",
                deviations, "");
    }

    private static ConfigKey defaults(String key, AnnotationKey<?> annotation, String deviations) {
        return new ConfigKey(key, annotation, false, "the default of every Ingress's `breakwater.dev/"
                + annotation.ours() + "` annotation (an Ingress's own wins)", deviations, "");
    }

    private static ConfigKey globalAuth(String key, AnnotationKey<?> annotation, String deviations) {
        return new ConfigKey(key, annotation, true, "`" + annotation.nginx() + "` of every Ingress without `auth-url` "
                + "of its own and without `enable-global-auth: \"false\"`", deviations, "");
    }

    private static ConfigKey checked(String key, String breakwater, String deviations) {
        return new ConfigKey(key, null, false, breakwater, deviations, "");
    }

    static final String ALLOW_SNIPPET_ANNOTATIONS = "allow-snippet-annotations";
    static final String SERVER_TOKENS = "server-tokens";
    static final String SSL_PROTOCOLS = "ssl-protocols";
    static final String GLOBAL_AUTH_URL = "global-auth-url";
    static final String GLOBAL_AUTH_SNIPPET = "global-auth-snippet";

    /** Every key read, in the order of the documentation table. */
    public static final List<ConfigKey> ALL = List.of(
            defaults(TimeoutAnnotations.MAX_BODY, "").unset("without the key ingress-nginx refuses bodies over `1m`, "
                    + "Breakwater over 64 MiB"),
            defaults(TimeoutAnnotations.CONNECT, ""),
            defaults(TimeoutAnnotations.RESPONSE, ""),
            defaults(TimeoutAnnotations.SEND, ""),
            defaults(RetryAnnotations.PROXY_NEXT_UPSTREAM, "as the annotation"),
            defaults(RetryAnnotations.PROXY_NEXT_UPSTREAM_TRIES, ""),
            defaults(TlsAnnotations.SSL_REDIRECT, ""),
            defaults(TlsAnnotations.FORCE_SSL_REDIRECT, ""),
            defaults("hsts", TlsAnnotations.HSTS, "").unset("without the key ingress-nginx sends HSTS on HTTPS, "
                    + "Breakwater does not"),
            defaults("hsts-max-age", TlsAnnotations.HSTS_MAX_AGE, ""),
            defaults("hsts-include-subdomains", TlsAnnotations.HSTS_INCLUDE_SUBDOMAINS, "").unset("without the key "
                    + "ingress-nginx's HSTS has `includeSubDomains`, Breakwater's not"),
            defaults("hsts-preload", TlsAnnotations.HSTS_PRELOAD, ""),
            defaults(BalancingAnnotations.LOAD_BALANCE, "as the annotation"),
            defaults(HostAnnotations.CUSTOM_HTTP_ERRORS, "as the annotation: the errors go to the Ingress's "
                    + "`default-backend`, else to the cluster default backend (`--default-backend-service`, as "
                    + "ingress-nginx's controller flag)"),
            defaults(TelemetryAnnotations.TRACING, "as the annotation"),
            defaults(TelemetryAnnotations.TRUST_INCOMING_SPAN, ""),
            globalAuth(GLOBAL_AUTH_URL, AuthAnnotations.AUTH_URL, "as `auth-url`: a URL with `$` is an error"),
            globalAuth("global-auth-method", AuthAnnotations.AUTH_METHOD, ""),
            globalAuth("global-auth-signin", AuthAnnotations.AUTH_SIGNIN, "as `auth-signin`"),
            globalAuth("global-auth-signin-redirect-param", AuthAnnotations.AUTH_SIGNIN_REDIRECT_PARAM, ""),
            globalAuth("global-auth-response-headers", AuthAnnotations.AUTH_RESPONSE_HEADERS, ""),
            globalAuth("global-auth-request-redirect", AuthAnnotations.AUTH_REQUEST_REDIRECT, ""),
            globalAuth("global-auth-cache-key", AuthAnnotations.AUTH_CACHE_KEY, "as `auth-cache-key`"),
            globalAuth("global-auth-cache-duration", AuthAnnotations.AUTH_CACHE_DURATION, ""),
            globalAuth("global-auth-always-set-cookie", AuthAnnotations.AUTH_ALWAYS_SET_COOKIE, ""),
            checked(ALLOW_SNIPPET_ANNOTATIONS, "`false`, ingress-nginx's default, is what Breakwater does: snippets are "
                    + "always refused; `true` is a warning", ""),
            checked(GLOBAL_AUTH_SNIPPET, "refused, as every snippet (a warning); the rest of the global "
                    + "authentication applies", ""),
            checked(SERVER_TOKENS, "`false`: Breakwater adds no `Server` header of its own; `true` is a warning",
                    "ingress-nginx answers `Server: nginx` in place of the backend's `Server`; Breakwater passes the "
                    + "backend's on"),
            checked(SSL_PROTOCOLS, "checked against the protocols served, TLS 1.2 and 1.3: `TLSv1.2 TLSv1.3` (the "
                    + "default) is what Breakwater does; any other list is a warning (TLS 1.0, 1.1 and SSL are never "
                    + "offered, TLS 1.2 cannot be turned off)", ""));

    private static final String FORWARDED = "Breakwater sets X-Forwarded-For and X-Real-IP to the connection's client "
            + "and replaces what the client sent (behind a load balancer, the data plane's --proxy-protocol-from "
            + "gives the client's address)";
    private static final String LIMITS = "the data plane's own connection limits and timeouts apply (docs/proxy.md)";

    /**
     * Why some keys ingress-nginx users set often are not read: the reason their warning gives, by key. Every key
     * not in {@link #ALL} is a warning; these say why.
     */
    public static final Map<String, String> NOT_READ_BECAUSE = Map.ofEntries(
            Map.entry("use-forwarded-headers", FORWARDED),
            Map.entry("forwarded-for-header", FORWARDED),
            Map.entry("compute-full-forwarded-for", FORWARDED),
            Map.entry("proxy-real-ip-cidr", FORWARDED),
            Map.entry("enable-real-ip", FORWARDED),
            Map.entry("ssl-ciphers", "Breakwater offers the TLS 1.2 and 1.3 cipher suites of its TLS provider"),
            Map.entry("keep-alive", LIMITS),
            Map.entry("keep-alive-requests", LIMITS),
            Map.entry("upstream-keepalive-connections", LIMITS),
            Map.entry("upstream-keepalive-time", LIMITS),
            Map.entry("upstream-keepalive-timeout", LIMITS),
            Map.entry("upstream-keepalive-requests", LIMITS),
            Map.entry("large-client-header-buffers", "the data plane's request-head limits apply (docs/proxy.md)"),
            Map.entry("log-format-upstream", "the access log's format is the data plane's --access-log json|text "
                    + "(docs/observability.md)"),
            Map.entry("add-headers", "response headers for every Ingress are not set from a ConfigMap; a Route's "
                    + "filters set them per route"),
            Map.entry("proxy-set-headers", "request headers for every Ingress are not set from a ConfigMap; a "
                    + "Route's filters set them per route"),
            Map.entry("hide-headers", "response headers are not removed for every Ingress; a Route's filters "
                    + "remove them per route"));

    private static final Map<String, ConfigKey> BY_NAME = byName();

    private ControllerConfigKeys() {
    }

    /** The key named {@code name}, or null when Breakwater does not read it. */
    public static ConfigKey key(String name) {
        return BY_NAME.get(name);
    }

    /** Every key read. */
    public static java.util.Set<String> names() {
        return BY_NAME.keySet();
    }

    /** The rows of the documentation table of the keys read: {@code | `key` | what Breakwater does | deviations |}. */
    public static List<String> docRows() {
        return ALL.stream().map(k -> {
            String differs = k.deviations().isEmpty() ? k.unset()
                    : k.unset().isEmpty() ? k.deviations() : k.deviations() + "; " + k.unset();
            return "| `" + k.name() + "` | " + k.breakwater() + " |" + (differs.isEmpty() ? "" : " " + differs) + " |";
        }).toList();
    }

    private static Map<String, ConfigKey> byName() {
        Map<String, ConfigKey> map = new LinkedHashMap<>();
        for (ConfigKey key : ALL) {
            if (map.put(key.name(), key) != null) {
                throw new IllegalStateException("ConfigMap key declared twice: " + key.name());
            }
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
