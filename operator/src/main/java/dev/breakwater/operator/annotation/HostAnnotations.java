package dev.breakwater.operator.annotation;

import static dev.breakwater.operator.annotation.AnnotationKey.both;
import static dev.breakwater.operator.annotation.AnnotationKey.nginx;

import dev.breakwater.operator.policy.AccessPolicies;
import dev.breakwater.operator.policy.SourceRanges;
import dev.breakwater.routing.SourceAllowlist;
import dev.breakwater.routing.RouteFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The host names an Ingress answers for and how (aliases, the www redirect, the application root), the Host sent to
 * its endpoints, the clients it refuses, its error pages, and ingress-nginx's buffering settings (read, each with a
 * warning naming what differs: Breakwater streams both ways).
 */
final class HostAnnotations {

    static final AnnotationKey<String> APP_ROOT = both("app-root", HostAnnotations::appRoot).doc("a path",
            "a request for `/` exactly gets a `302` to this path, on the same scheme and host", "");
    static final AnnotationKey<Boolean> FROM_TO_WWW = both("from-to-www-redirect", Parsers.BOOLEAN).doc(
            "boolean; default `false`", "requests for `www.` + host get a `308` to the host, or for the host without "
                    + "`www.` to the `www.` host when the rule names that one; path and query kept",
            "the other name is not redirected when an Ingress serves it (as in ingress-nginx)");
    static final AnnotationKey<String> SERVER_ALIAS = both("server-alias", Parsers.TEXT).doc(
            "comma-separated host names", "the Ingress's rules are served for these names too",
            "an alias another Ingress serves as a host is left out with a warning (as in ingress-nginx); wildcard "
                    + "aliases and nginx's regular-expression names (`~...`) are warnings");
    static final AnnotationKey<String> UPSTREAM_VHOST = both("upstream-vhost", HostAnnotations::hostname).doc(
            "a host name", "the `Host` header sent to the endpoints", "a port (`host:8080`) or an nginx variable "
                    + "is a warning and the client's `Host` is sent");
    static final AnnotationKey<Boolean> SERVICE_UPSTREAM = nginx("service-upstream", Parsers.BOOLEAN).doc(
            "boolean", "`true` is a warning: Breakwater always balances over the Service's endpoints",
            "the ClusterIP is never used: endpoints are picked, retried and drained by the data plane itself");
    static final AnnotationKey<String> PROXY_HTTP_VERSION = nginx("proxy-http-version", Parsers.TEXT).doc(
            "`1.1` (default) or `1.0`", "`1.1`: as always, HTTP/1.1 with pooled keep-alive connections",
            "`1.0` is a warning and HTTP/1.1 is spoken (use `backend-protocol` for HTTP/2)");
    static final AnnotationKey<String> DENYLIST = both("denylist-source-range", Parsers.TEXT).doc(
            "comma-separated CIDRs or addresses, IPv4 and IPv6", "these clients get `403`, before the allowlist",
            "a value that does not parse is an error and the routes answer `503`; in `/table` the denylist is the "
                    + "allowlist that excludes it (its complement)");
    static final AnnotationKey<List<Integer>> CUSTOM_HTTP_ERRORS = both("custom-http-errors",
            HostAnnotations::codes).doc("comma-separated statuses, 400 to 599", "responses with these statuses are "
                    + "answered by `default-backend` (else the cluster default backend, `--default-backend-service`) "
                    + "with ingress-nginx's `X-Code`, `X-Format`, `X-Original-URI`, `X-Namespace`, `X-Ingress-Name`, "
                    + "`X-Service-Name`, `X-Service-Port`, `X-Request-ID`; see [Error pages](#error-pages)",
            "not for responses that begin before the request body is read whole, nor on routes with a cache; no "
                    + "error backend at all is a warning");
    static final AnnotationKey<String> DEFAULT_BACKEND = both("default-backend", Parsers.TEXT).doc(
            "a Service of the Ingress's namespace (its first port)", "answers `custom-http-errors`, and every "
                    + "request when the Ingress's own Service has no endpoint that may serve (with `X-Code: 503`)",
            "a missing Service is a warning and there are no error pages");
    static final AnnotationKey<Boolean> PROXY_BUFFERING = nginx("proxy-buffering", Parsers.ON_OFF).doc(
            "`on`, `off` (default)", "`off`: as always, responses stream to the client as the endpoint sends them, "
                    + "read no faster than the client takes them", "`on` is a warning: a response is never held "
                    + "whole (nor written to disk), so a slow client keeps the endpoint's connection busy");
    static final AnnotationKey<Long> PROXY_BUFFER_SIZE = nginx("proxy-buffer-size", Parsers.SIZE).doc(
            "a size (`8k`)", "above nginx's `4k`, a warning: the largest response head read is the data plane's "
                    + "header limit (16 KiB), for every route", "not applied per Ingress; bodies are streamed in any "
                    + "case");
    static final AnnotationKey<Long> CLIENT_BODY_BUFFER_SIZE = nginx("client-body-buffer-size", Parsers.SIZE).doc(
            "a size (`16k`)", "nothing to set: request bodies stream to the endpoint as they arrive, never to disk "
                    + "(the limit is `proxy-body-size`); a warning", "no buffer is sized: nginx holds this much of a "
                    + "body (then a file) before sending it");

    static final AnnotationKey<Boolean> PROXY_REQUEST_BUFFERING = nginx("proxy-request-buffering",
            Parsers.ON_OFF).doc("`on`, `off`", "`off`: as always, the request body streams to the endpoint as it "
                    + "arrives, read no faster than the endpoint takes it", "ingress-nginx's default is `on` (the "
                    + "body read whole, spilling to a file, before the request is sent); `on` is a warning: a body "
                    + "is never held whole, so an endpoint sees a slow upload as slow");

    static final List<AnnotationKey<?>> KEYS = List.of(APP_ROOT, FROM_TO_WWW, SERVER_ALIAS, UPSTREAM_VHOST,
            SERVICE_UPSTREAM, PROXY_HTTP_VERSION, DENYLIST, CUSTOM_HTTP_ERRORS, DEFAULT_BACKEND, PROXY_BUFFERING,
            PROXY_BUFFER_SIZE, CLIENT_BODY_BUFFER_SIZE, PROXY_REQUEST_BUFFERING);

    /** The buffering keys, read the same as annotations and as keys of the controller ConfigMap. */
    static final List<AnnotationKey<?>> BUFFERING = List.of(PROXY_BUFFERING, PROXY_BUFFER_SIZE,
            CLIENT_BODY_BUFFER_SIZE, PROXY_REQUEST_BUFFERING);

    /** The size nginx's proxy_buffer_size defaults to (one page); a bigger one says the app sends big heads. */
    private static final long NGINX_PAGE = 4096;

    private HostAnnotations() {
    }

    /** What the annotations say; problems go to the reader's diagnostics. */
    static IngressSettings.Host read(AnnotationReader r) {
        String appRoot = r.get(APP_ROOT);
        boolean www = r.get(FROM_TO_WWW, false);
        List<String> aliases = aliases(r);
        String vhost = r.get(UPSTREAM_VHOST);
        if (r.get(SERVICE_UPSTREAM, false)) {
            r.warn(SERVICE_UPSTREAM.nginxName(), "Breakwater always balances over the Service's endpoints (ready, "
                    + "retried, drained); the Service's ClusterIP is not used");
        }
        String version = r.get(PROXY_HTTP_VERSION);
        if (version != null && !version.equals("1.1")) {
            r.warn(PROXY_HTTP_VERSION.nginxName(), "\"" + version + "\": Breakwater speaks HTTP/1.1 to endpoints "
                    + "(keep-alive, pooled); only 1.1 is read");
        }
        for (AnnotationKey<?> key : BUFFERING) {
            String v = r.value(key.nginxName());
            String difference = v == null ? null : bufferingDifference(key, v, problem -> r.warn(key.nginxName(),
                    problem));
            if (difference != null) {
                r.warn(key.nginxName(), difference);
            }
        }
        String denyKey = r.name(DENYLIST);
        List<String> deny = r.value(denyKey) == null ? List.of() : AccessPolicies.commaSeparated(r.value(denyKey));
        List<Integer> codes = r.get(CUSTOM_HTTP_ERRORS, List.of());
        String defaultBackend = r.get(DEFAULT_BACKEND);
        if (defaultBackend != null && (defaultBackend.contains("/") || !defaultBackend.matches("[a-z0-9]([-a-z0-9]*"
                + "[a-z0-9])?"))) {
            r.warn(r.name(DEFAULT_BACKEND), "\"" + defaultBackend + "\" is not the name of a Service (of the "
                    + "Ingress's namespace); ignored");
            defaultBackend = null;
        }
        if (appRoot == null && !www && aliases.isEmpty() && vhost == null && deny.isEmpty() && codes.isEmpty()
                && defaultBackend == null) {
            return IngressSettings.Host.NONE;
        }
        return new IngressSettings.Host(appRoot, www, aliases, vhost, deny, deny.isEmpty() ? null : denyKey, codes,
                r.name(CUSTOM_HTTP_ERRORS), defaultBackend, r.name(DEFAULT_BACKEND));
    }

    /**
     * The allowlist without the clients of {@code denylist-source-range}; {@code invalid[0]} set when the denylist
     * cannot be read (an error: the routes answer 503), or when it denies every client (then every client gets 403).
     */
    static SourceAllowlist denying(AnnotationReader r, IngressSettings.Host host, SourceAllowlist allowlist,
                                   boolean[] invalid) {
        if (host.denylist().isEmpty() || invalid[0]) {
            return allowlist;
        }
        String key = host.denylistKey();
        SourceAllowlist denied = AccessPolicies.allowlist(host.denylist(), (i, reason) -> r.error(key,
                (i < 0 ? "\"" + r.value(key) + "\" " : "") + reason + "; the Ingress's routes answer 503 rather than "
                        + "serve the clients it denies"));
        if (denied == null) {
            invalid[0] = true;
            return allowlist;
        }
        SourceAllowlist left = SourceRanges.without(allowlist, denied.ranges());
        return left != null ? left : new SourceAllowlist(List.of("0.0.0.0/32")); // nobody is left: only 0.0.0.0
    }

    /**
     * What differs when buffering key {@code key} (one of {@link #BUFFERING}) says {@code value}, or null when
     * Breakwater does what it says; a value that does not parse goes to {@code problems}.
     */
    static String bufferingDifference(AnnotationKey<?> key, String value, Consumer<String> problems) {
        Object parsed = key.parser().parse(value.trim(), problems);
        if (key == PROXY_BUFFERING && Boolean.TRUE.equals(parsed)) {
            return "Breakwater does not buffer responses: they stream to the client as the endpoint sends them, read "
                    + "no faster than the client takes them (as proxy-buffering off)";
        }
        if (key == PROXY_REQUEST_BUFFERING && Boolean.TRUE.equals(parsed)) {
            return "Breakwater does not buffer request bodies: they stream to the endpoint as they arrive, read no "
                    + "faster than the endpoint takes them (as proxy-request-buffering off)";
        }
        if (key == PROXY_BUFFER_SIZE && parsed instanceof Long size && size > NGINX_PAGE) {
            return "the largest response head Breakwater reads is the data plane's header limit (16 KiB), for every "
                    + "route; this value is not applied per Ingress";
        }
        if (key == CLIENT_BODY_BUFFER_SIZE && parsed != null) {
            return "Breakwater streams request bodies to the endpoint as they arrive and never writes them to disk; "
                    + "nothing to size (the limit is proxy-body-size)";
        }
        return null;
    }

    private static List<String> aliases(AnnotationReader r) {
        String key = r.name(SERVER_ALIAS);
        String v = r.value(key);
        if (v == null) {
            return List.of();
        }
        TreeSet<String> names = new TreeSet<>();
        for (String written : AccessPolicies.commaSeparated(v)) {
            String alias = written.trim();
            String name = alias.toLowerCase(Locale.ROOT);
            if (name.startsWith("~") || name.contains("*")) {
                r.warn(key, "\"" + alias + "\": wildcard and regular-expression aliases are not supported; this "
                        + "alias is left out");
            } else if (!name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")) {
                r.warn(key, "\"" + alias + "\" is not a host name; this alias is left out");
            } else {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    private static String appRoot(String v, Consumer<String> problems) {
        if (!v.startsWith("/") || v.startsWith("//") || v.indexOf('$') >= 0 || v.chars().anyMatch(c -> c <= 32
                || c == 127)) {
            problems.accept("\"" + v + "\" is not a path starting with / (without nginx variables or spaces); "
                    + "ignored");
            return null;
        }
        return v;
    }

    private static String hostname(String v, Consumer<String> problems) {
        if (v.indexOf('$') >= 0) {
            problems.accept("\"" + v + "\" uses an nginx variable; only a host name is supported; the client's Host "
                    + "is sent");
            return null;
        }
        try {
            return new RouteFilter.URLRewrite(v, null).hostname();
        } catch (IllegalArgumentException e) {
            problems.accept("\"" + v + "\" is not a host name (" + e.getMessage() + "); the client's Host is sent");
            return null;
        }
    }

    private static List<Integer> codes(String v, Consumer<String> problems) {
        List<Integer> codes = new ArrayList<>();
        for (String written : AccessPolicies.commaSeparated(v)) {
            String part = written.trim();
            if (!part.matches("[45]\\d\\d")) {
                problems.accept("\"" + v + "\" is not a comma-separated list of statuses from 400 to 599 (\"" + part
                        + "\"); no error pages");
                return null;
            }
            int code = Integer.parseInt(part);
            if (!codes.contains(code)) {
                codes.add(code);
            }
        }
        return codes.isEmpty() ? null : List.copyOf(codes);
    }
}
