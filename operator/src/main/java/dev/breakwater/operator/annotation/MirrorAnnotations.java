package dev.breakwater.operator.annotation;

import static dev.breakwater.operator.annotation.AnnotationKey.both;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Request mirroring ({@code mirror-target}, {@code mirror-request-body}, {@code mirror-host}): where copies of the
 * Ingress's requests go. The target is a Service of the Ingress's namespace, written {@code service:port} (or
 * {@code service}, its first port) or as ingress-nginx's URL of that Service,
 * {@code http(s)://service.namespace.svc[.cluster.local][:port]$request_uri}; any other URL is a warning naming the
 * annotation and why, and the Ingress has no mirror.
 */
final class MirrorAnnotations {

    static final AnnotationKey<String> MIRROR_TARGET = both("mirror-target", Parsers.TEXT).doc(
            "`service:port` (or `service`: its first port) of the Ingress's namespace, or ingress-nginx's URL of "
                    + "such a Service, `http(s)://service.namespace.svc[.cluster.local][:port]$request_uri`",
            "each request of the Ingress is also sent, as a copy, to an endpoint of that Service (live endpoints, "
                    + "as any backend's); the client's answer comes from the Ingress's own backend, never delayed "
                    + "by the mirror, whose answer is dropped; see [Request mirroring](#request-mirroring)",
            "other URLs (another namespace, a host outside the cluster, a fixed path instead of `$request_uri`) "
                    + "are a warning and nothing is mirrored; the copy carries the request as forwarded (after "
                    + "rewrites); at most 128 copies in flight per route and event loop, bodies above 1 MiB not "
                    + "copied (both counted in `breakwater_mirror_requests_total`); requests answered by the proxy "
                    + "itself (redirects, denials, the cache) and WebSocket upgrades are not mirrored");
    static final AnnotationKey<Boolean> MIRROR_REQUEST_BODY = both("mirror-request-body", Parsers.ON_OFF).doc(
            "`on` (default), `off` (also `true`, `false`)", "`off`: the copies go without the body (no "
                    + "`Content-Length` or `Transfer-Encoding`)", "");
    static final AnnotationKey<String> MIRROR_HOST = both("mirror-host", MirrorAnnotations::host).doc(
            "a host name", "the `Host` header of the copies; default: the host of a `mirror-target` URL, the "
                    + "client's `Host` for `service:port`", "an nginx variable or a port is a warning and the default "
                    + "applies");

    static final List<AnnotationKey<?>> KEYS = List.of(MIRROR_TARGET, MIRROR_REQUEST_BODY, MIRROR_HOST);

    /** {@code name}, {@code name:port} with a port number or name. */
    private static final Pattern SERVICE = Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?)(?::([0-9]+|[a-z0-9]"
            + "([-a-z0-9]*[a-z0-9])?))?");
    /** A Service's cluster DNS name: {@code name.namespace.svc} and optionally {@code .cluster.local}. */
    private static final Pattern SERVICE_HOST = Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.([a-z0-9]"
            + "([-a-z0-9]*[a-z0-9])?)\\.svc(\\.cluster\\.local)?\\.?");

    private MirrorAnnotations() {
    }

    /** The mirror the annotations ask for, or null (none, or a target that is not a Service: warned). */
    static IngressSettings.Mirror read(AnnotationReader r) {
        String key = r.name(MIRROR_TARGET);
        String target = r.get(MIRROR_TARGET);
        Boolean body = r.get(MIRROR_REQUEST_BODY);
        String host = r.get(MIRROR_HOST);
        if (target == null) {
            if (body != null || host != null) {
                r.warn(body != null ? r.name(MIRROR_REQUEST_BODY) : r.name(MIRROR_HOST), "has no effect without "
                        + "mirror-target");
            }
            return null;
        }
        boolean withBody = body == null || body;
        String value = target.trim();
        Matcher service = SERVICE.matcher(value);
        if (service.matches()) {
            return new IngressSettings.Mirror(service.group(1), null, service.group(3), false, host, withBody, key);
        }
        URI url;
        try {
            url = new URI(value.replace("$request_uri", ""));
        } catch (URISyntaxException e) {
            r.warn(key, "\"" + target + "\" is neither service:port nor a URL (" + e.getReason() + "); nothing is "
                    + "mirrored");
            return null;
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            r.warn(key, "\"" + target + "\" is neither service:port nor an http:// or https:// URL; nothing is "
                    + "mirrored");
            return null;
        }
        String rest = value.substring(value.indexOf(url.getRawAuthority()) + url.getRawAuthority().length());
        if (!rest.isEmpty() && !rest.equals("$request_uri")) {
            r.warn(key, "\"" + target + "\": the copy goes to the request's own path and query ($request_uri); "
                    + "another path, a query or other nginx variables are not supported; nothing is mirrored");
            return null;
        }
        Matcher svc = SERVICE_HOST.matcher(url.getHost().toLowerCase(Locale.ROOT));
        if (!svc.matches()) {
            r.warn(key, "\"" + target + "\": " + url.getHost() + " is not a Service's cluster name "
                    + "(service.namespace.svc[.cluster.local]); Breakwater mirrors to Services of the Ingress's "
                    + "namespace only; nothing is mirrored");
            return null;
        }
        int port = url.getPort() > 0 ? url.getPort() : scheme.equals("https") ? 443 : 80;
        return new IngressSettings.Mirror(svc.group(1), svc.group(3), String.valueOf(port), scheme.equals("https"),
                host != null ? host : url.getHost(), withBody, key);
    }

    private static String host(String v, Consumer<String> problems) {
        String h = v.trim().toLowerCase(Locale.ROOT);
        if (h.indexOf('$') >= 0 || !h.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")) {
            problems.accept("\"" + v + "\" is not a host name (nginx variables and ports are not supported); the "
                    + "default Host is sent");
            return null;
        }
        return h;
    }
}
