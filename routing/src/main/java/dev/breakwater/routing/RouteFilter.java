package dev.breakwater.routing;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A change a route makes to the requests it accepts or to their responses, modelled on Gateway API's
 * {@code HTTPRouteFilter}. A route holds at most one filter of each kind, and never both a
 * {@link URLRewrite} and a {@link RequestRedirect}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = RouteFilter.RequestHeaderModifier.class, name = "requestHeaderModifier"),
    @JsonSubTypes.Type(value = RouteFilter.ResponseHeaderModifier.class, name = "responseHeaderModifier"),
    @JsonSubTypes.Type(value = RouteFilter.URLRewrite.class, name = "urlRewrite"),
    @JsonSubTypes.Type(value = RouteFilter.RequestRedirect.class, name = "requestRedirect")
})
public sealed interface RouteFilter {

    /**
     * Changes the headers of requests before they are forwarded: {@code remove}, then {@code set} (replacing
     * every value), then {@code add} (one more value). Names are stored lower case; hop-by-hop headers, the
     * body's framing and {@code Host} cannot be named. The proxy's own {@code X-Forwarded-*}, {@code X-Real-IP}
     * and {@code X-Request-Id} are set after this filter and win.
     */
    record RequestHeaderModifier(List<Header> set, List<Header> add, List<String> remove) implements RouteFilter {
        public RequestHeaderModifier {
            set = headers("set", set);
            add = headers("add", add);
            remove = names("remove", remove);
            requireSomething(set, add, remove);
        }
    }

    /** Changes the headers of responses from the backend, as {@link RequestHeaderModifier} does for requests. */
    record ResponseHeaderModifier(List<Header> set, List<Header> add, List<String> remove) implements RouteFilter {
        public ResponseHeaderModifier {
            set = headers("set", set);
            add = headers("add", add);
            remove = names("remove", remove);
            requireSomething(set, add, remove);
        }
    }

    /**
     * Rewrites the request before it is forwarded (routing already happened).
     *
     * @param hostname the {@code Host} sent to the backend, or null to keep the client's
     * @param path     how the path changes, or null to keep it; the query is kept (see {@link PathModifier})
     */
    record URLRewrite(String hostname, PathModifier path) implements RouteFilter {
        public URLRewrite {
            hostname = hostname == null ? null : HeaderNames.hostname("hostname", hostname);
            if (hostname == null && path == null) {
                throw new IllegalArgumentException("urlRewrite: neither hostname nor path");
            }
        }
    }

    /**
     * Answers with a redirect instead of forwarding. The {@code Location} is built from the request's
     * scheme, host, port, path and query, each replaced as given.
     *
     * @param scheme     {@code http} or {@code https}, or null for the request's
     * @param hostname   the host, or null for the request's
     * @param port       the port, or null: the scheme's port when a scheme is given ({@code http} 80,
     *                   {@code https} the proxy's public HTTPS port), else the port of the request's Host
     *                   header; a scheme's default port is never written
     * @param path       how the path changes, or null to keep it (see {@link PathModifier} for the query)
     * @param statusCode 301, 302, 303, 307 or 308 (null: 302)
     */
    record RequestRedirect(String scheme, String hostname, Integer port, PathModifier path, Integer statusCode)
            implements RouteFilter {

        private static final Set<Integer> CODES = Set.of(301, 302, 303, 307, 308);

        public RequestRedirect {
            if (scheme != null && !scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("scheme: " + scheme + " (expected: http or https)");
            }
            hostname = hostname == null ? null : HeaderNames.hostname("hostname", hostname);
            if (port != null && (port < 1 || port > 65535)) {
                throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
            }
            statusCode = statusCode == null ? 302 : statusCode;
            if (!CODES.contains(statusCode)) {
                throw new IllegalArgumentException("statusCode: " + statusCode + " (expected: 301, 302, 303, 307 or 308)");
            }
        }
    }

    /** A header name (stored lower case) and value. */
    record Header(String name, String value) {
        public Header {
            name = HeaderNames.name("name", name);
            value = HeaderNames.value(name, value);
        }
    }

    private static List<Header> headers(String field, List<Header> headers) {
        List<Header> list = headers == null ? List.of() : List.copyOf(headers);
        names(field, list.stream().map(Header::name).toList());
        return list;
    }

    private static List<String> names(String field, List<String> names) {
        List<String> list = names == null ? List.of() : names.stream().map(n -> HeaderNames.name(field, n)).toList();
        Set<String> seen = new HashSet<>();
        for (String n : list) {
            if (!seen.add(n)) {
                throw new IllegalArgumentException(field + ": " + n + " is named twice");
            }
        }
        return list;
    }

    private static void requireSomething(List<?> set, List<?> add, List<?> remove) {
        if (set.isEmpty() && add.isEmpty() && remove.isEmpty()) {
            throw new IllegalArgumentException("header modifier: nothing to set, add or remove");
        }
    }

    /** Checks the filters of one route: one of each kind at most, and what they need from its match. */
    static List<RouteFilter> check(List<RouteFilter> filters, RouteMatch match) {
        List<RouteFilter> list = filters == null ? List.of() : List.copyOf(filters);
        Set<Class<?>> kinds = new HashSet<>();
        for (RouteFilter f : list) {
            Objects.requireNonNull(f, "filter");
            if (!kinds.add(f.getClass())) {
                throw new IllegalArgumentException("filters: two " + f.getClass().getSimpleName()
                        + " (expected: at most one of each kind)");
            }
            PathModifier path = f instanceof URLRewrite u ? u.path() : f instanceof RequestRedirect r ? r.path() : null;
            if (path != null && path.type() == PathModifier.Type.REPLACE_PREFIX_MATCH
                    && match.path().type() != PathMatch.Type.PREFIX) {
                throw new IllegalArgumentException("filters: REPLACE_PREFIX_MATCH needs a PREFIX path match, not "
                        + match.path().type());
            }
        }
        if (kinds.contains(URLRewrite.class) && kinds.contains(RequestRedirect.class)) {
            throw new IllegalArgumentException("filters: a route either rewrites or redirects, not both");
        }
        return list;
    }
}
