package dev.breakwater.operator.compile;

import dev.breakwater.operator.crd.FilterSpec;
import dev.breakwater.operator.crd.HeaderModifierSpec;
import dev.breakwater.operator.crd.HeaderSpec;
import dev.breakwater.operator.crd.PathModifierSpec;
import dev.breakwater.operator.crd.RequestRedirectSpec;
import dev.breakwater.operator.crd.UrlRewriteSpec;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.HeaderMatch;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.QueryParamMatch;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.StringMatch;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The parts of one HTTPRoute rule in the routing table's terms: its matches as {@link RouteMatch}es, its filters as
 * the Route CRD's {@link FilterSpec}s (so that {@link RouteFilters} checks and builds them, as for Routes), and its
 * backendRefs as a {@link RouteAction}, with the {@code ResolvedRefs} reason of the first reference that fails.
 */
final class HttpRouteRules {

    /** The answer where backendRefs cannot be used (the spec's 500), or a filter is not supported. */
    static final RouteAction INVALID_BACKENDS = new RouteAction.FixedResponse(500,
            "no usable backend: the HTTPRoute's backendRefs cannot be resolved\n");
    static final RouteAction UNSUPPORTED_FILTER = new RouteAction.FixedResponse(500,
            "route unavailable: it asks for a filter Breakwater does not support\n");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
            "TRACE", "PATCH");

    private HttpRouteRules() {
    }

    // ---- matches

    /** The match, or null (reported) when a condition cannot be used: a match without it would accept more. */
    static RouteMatch match(RouteContext c, String field, HTTPRouteMatch m) {
        if (m == null) {
            return RouteMatch.path(PathMatch.prefix("/"));
        }
        int before = c.count();
        PathMatch path = PathMatch.prefix("/");
        if (m.getPath() != null) {
            String type = m.getPath().getType() == null ? "PathPrefix" : m.getPath().getType();
            String value = m.getPath().getValue() == null ? "/" : m.getPath().getValue();
            path = switch (type) {
                case "Exact", "PathPrefix" -> {
                    if (!value.startsWith("/") || value.contains("//")) {
                        c.error(field + ".path.value", "\"" + value + "\" must start with \"/\" and hold no \"//\"");
                        yield null;
                    }
                    yield type.equals("Exact") ? PathMatch.exact(value) : PathMatch.prefix(value);
                }
                case "RegularExpression" -> regex(c, field + ".path.value", value)
                        ? new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, value) : null;
                default -> {
                    c.error(field + ".path.type", "UnsupportedValue: " + type + " (Exact, PathPrefix or "
                            + "RegularExpression)");
                    yield null;
                }
            };
        }
        List<HeaderMatch> headers = new ArrayList<>();
        List<HTTPHeaderMatch> hs = m.getHeaders() == null ? List.of() : m.getHeaders();
        for (int k = 0; k < hs.size(); k++) {
            HTTPHeaderMatch h = hs.get(k);
            StringMatch type = stringMatch(c, field + ".headers[" + k + "]", h.getType(), h.getValue());
            if (type != null && h.getName() != null) {
                headers.add(new HeaderMatch(h.getName(), type, h.getValue()));
            }
        }
        List<QueryParamMatch> query = new ArrayList<>();
        List<HTTPQueryParamMatch> qs = m.getQueryParams() == null ? List.of() : m.getQueryParams();
        for (int k = 0; k < qs.size(); k++) {
            HTTPQueryParamMatch q = qs.get(k);
            StringMatch type = stringMatch(c, field + ".queryParams[" + k + "]", q.getType(), q.getValue());
            if (type != null && q.getName() != null) {
                query.add(new QueryParamMatch(q.getName(), type, q.getValue()));
            }
        }
        String method = m.getMethod();
        if (method != null && !METHODS.contains(method)) {
            c.error(field + ".method", "UnsupportedValue: " + method);
        }
        if (c.count() > before || path == null) {
            return null;
        }
        return new RouteMatch(path, headers, query, method);
    }

    private static StringMatch stringMatch(RouteContext c, String field, String type, String value) {
        if (value == null) {
            c.error(field + ".value", "a value is required");
            return null;
        }
        if (type == null || type.equals("Exact")) {
            return StringMatch.EXACT;
        }
        if (type.equals("RegularExpression")) {
            return regex(c, field + ".value", value) ? StringMatch.REGULAR_EXPRESSION : null;
        }
        c.error(field + ".type", "UnsupportedValue: " + type + " (Exact or RegularExpression)");
        return null;
    }

    private static boolean regex(RouteContext c, String field, String value) {
        try {
            Pattern.compile(value);
            return true;
        } catch (PatternSyntaxException e) {
            c.error(field, "\"" + value + "\" is not a valid regular expression: " + e.getDescription());
            return false;
        }
    }

    // ---- filters

    /**
     * The Route CRD's filter for {@code f}; null (reported) for a type Breakwater does not support here (ExtensionRef,
     * ExternalAuth, or one it does not know; RequestMirror and CORS are route policies, read by the caller).
     */
    static FilterSpec filter(RouteContext c, String field, HTTPRouteFilter f) {
        FilterSpec spec = new FilterSpec();
        String type = f.getType() == null ? "" : f.getType();
        switch (type) {
            case "RequestHeaderModifier" -> {
                spec.type = FilterSpec.Type.REQUEST_HEADER_MODIFIER;
                spec.requestHeaderModifier = headers(f.getRequestHeaderModifier());
            }
            case "ResponseHeaderModifier" -> {
                spec.type = FilterSpec.Type.RESPONSE_HEADER_MODIFIER;
                spec.responseHeaderModifier = headers(f.getResponseHeaderModifier());
            }
            case "RequestRedirect" -> {
                spec.type = FilterSpec.Type.REQUEST_REDIRECT;
                var r = f.getRequestRedirect();
                if (r != null) {
                    RequestRedirectSpec s = new RequestRedirectSpec();
                    s.hostname = r.getHostname();
                    s.port = r.getPort();
                    s.statusCode = r.getStatusCode();
                    s.path = path(r.getPath());
                    if (r.getScheme() != null) {
                        s.scheme = switch (r.getScheme()) {
                            case "http" -> RequestRedirectSpec.Scheme.HTTP;
                            case "https" -> RequestRedirectSpec.Scheme.HTTPS;
                            default -> null;
                        };
                        if (s.scheme == null) {
                            c.error(field + ".requestRedirect.scheme", "UnsupportedValue: " + r.getScheme()
                                    + " (http or https)");
                            return null;
                        }
                    }
                    spec.requestRedirect = s;
                }
            }
            case "URLRewrite" -> {
                spec.type = FilterSpec.Type.URL_REWRITE;
                var u = f.getUrlRewrite();
                if (u != null) {
                    UrlRewriteSpec s = new UrlRewriteSpec();
                    s.hostname = u.getHostname();
                    s.path = path(u.getPath());
                    spec.urlRewrite = s;
                }
            }
            default -> {
                c.error(field + ".type", (type.isEmpty() ? "a filter type is required" : type
                        + " filters are not supported yet") + "; requests of this rule get 500");
                return null;
            }
        }
        return spec;
    }

    private static HeaderModifierSpec headers(HTTPHeaderFilter f) {
        if (f == null) {
            return null;
        }
        HeaderModifierSpec s = new HeaderModifierSpec();
        s.set = headerList(f.getSet());
        s.add = headerList(f.getAdd());
        s.remove = f.getRemove();
        return s;
    }

    private static List<HeaderSpec> headerList(List<HTTPHeader> headers) {
        if (headers == null) {
            return null;
        }
        List<HeaderSpec> out = new ArrayList<>();
        for (HTTPHeader h : headers) {
            HeaderSpec s = new HeaderSpec();
            s.name = h == null ? null : h.getName();
            s.value = h == null ? null : h.getValue();
            out.add(s);
        }
        return out;
    }

    private static PathModifierSpec path(HTTPPathModifier p) {
        if (p == null) {
            return null;
        }
        PathModifierSpec s = new PathModifierSpec();
        s.type = "ReplaceFullPath".equals(p.getType()) ? PathModifierSpec.Type.REPLACE_FULL_PATH
                : "ReplacePrefixMatch".equals(p.getType()) ? PathModifierSpec.Type.REPLACE_PREFIX_MATCH : null;
        s.replaceFullPath = p.getReplaceFullPath();
        s.replacePrefixMatch = p.getReplacePrefixMatch();
        return s;
    }

    // ---- backends

    /** What a rule's backendRefs resolve to, and why not where they do not. */
    record Backends(RouteAction action, String reason, String message) {
    }

    /**
     * The rule's backendRefs: each one a Service ({@code group ""}, {@code kind Service}) of the route's namespace,
     * or of another with a ReferenceGrant there, by its port; weights as given (default 1). A ref that cannot be
     * used keeps its share of the requests, which fail; when none can be used, or every weight is 0, the rule answers
     * 500.
     */
    static Backends backends(RouteContext c, String field, List<HTTPBackendRef> refs, BackendResolver resolver,
                             ReferenceGrants grants) {
        return backends(c, field, refs, resolver, grants, "HTTPRoute", Cluster.Protocol.HTTP1);
    }

    /**
     * As {@link #backends(RouteContext, String, List, BackendResolver, ReferenceGrants)} for a route of {@code kind}
     * (the kind a ReferenceGrant must name), whose backends speak {@code protocol}.
     */
    static Backends backends(RouteContext c, String field, List<HTTPBackendRef> refs, BackendResolver resolver,
                             ReferenceGrants grants, String routeKind, Cluster.Protocol protocol) {
        if (refs == null || refs.isEmpty()) {
            return new Backends(INVALID_BACKENDS, null, null);
        }
        List<RouteAction.BackendRef> out = new ArrayList<>();
        String reason = null;
        String message = null;
        boolean anyResolved = false;
        for (int j = 0; j < refs.size(); j++) {
            HTTPBackendRef ref = refs.get(j);
            String f = field + ".backendRefs[" + j + "]";
            int weight = ref.getWeight() == null ? 1 : Math.max(0, ref.getWeight());
            String group = ref.getGroup() == null ? "" : ref.getGroup();
            String kind = ref.getKind() == null ? "Service" : ref.getKind();
            String namespace = ref.getNamespace() == null || ref.getNamespace().isEmpty() ? c.namespace
                    : ref.getNamespace();
            String problemReason = null;
            String problem = null;
            boolean reported = false;
            RouteAction resolved = null;
            if (!group.isEmpty() || !kind.equals("Service")) {
                problemReason = "InvalidKind";
                problem = (group.isEmpty() ? "" : group + "/") + kind + " is not a Service";
            } else if (!grants.permits(ReferenceGrants.GATEWAY_GROUP, routeKind, c.namespace, "", "Service",
                    namespace, ref.getName())) {
                problemReason = "RefNotPermitted";
                problem = "Service " + namespace + "/" + ref.getName() + " is in another namespace and no "
                        + "ReferenceGrant there permits " + routeKind + "s of " + c.namespace + " to use it";
            } else if (ref.getPort() == null) {
                problemReason = "BackendNotFound";
                problem = "a port is required for a Service";
            } else {
                ServiceBackendPort port = new ServiceBackendPort();
                port.setNumber(ref.getPort());
                int before = c.count();
                Cluster.Protocol spoken = protocol == Cluster.Protocol.HTTP1
                        && speaksH2c(resolver.service(namespace + "/" + ref.getName()), ref.getPort())
                        ? Cluster.Protocol.H2C : protocol;
                BackendTlsPolicies.Applied policy = c.backendTls == null ? null : c.backendTls.forPort(namespace,
                        ref.getName(), portName(resolver.service(namespace + "/" + ref.getName()), ref.getPort()));
                if (policy != null && !policy.usable()) {
                    // a BackendTLSPolicy that cannot verify: this share fails (5xx), the route's refs are fine
                    if (weight > 0) {
                        out.add(new RouteAction.BackendRef(resolver.unavailableCluster(namespace + "/"
                                + ref.getName() + ":" + ref.getPort() + "|backend-tls-invalid"), weight));
                        anyResolved = true;
                    }
                    continue;
                }
                Cluster.UpstreamTls tls = null;
                if (policy != null) {
                    tls = policy.policy().tls();
                    spoken = spoken.http2() ? Cluster.Protocol.H2 : Cluster.Protocol.HTTPS;
                }
                resolved = resolver.resolve(c.object, namespace, ref.getName(), port, f + ".name",
                        BackendResolver.PortFields.of(f + ".port"), c.diagnostics(), spoken, tls,
                        ClusterPolicy.DEFAULTS);
                if (!(resolved instanceof RouteAction.Forward)) {
                    problemReason = "BackendNotFound";
                    reported = c.count() > before;
                    problem = reported ? c.diagnostics().get(c.count() - 1).reason()
                            : "Service " + namespace + "/" + ref.getName() + " port " + ref.getPort() + " not found";
                }
            }
            if (problem != null) {
                if (!reported) {
                    c.error(f, problem);
                }
                if (reason == null) {
                    reason = problemReason;
                    message = f + ": " + problem;
                }
                if (weight > 0) {
                    out.add(new RouteAction.BackendRef(resolver.unavailableCluster(namespace + "/" + ref.getName()
                            + ":" + ref.getPort() + "|unresolved"), weight));
                }
            } else {
                anyResolved = true;
                out.add(new RouteAction.BackendRef(((RouteAction.Forward) resolved).backends().get(0).cluster(),
                        weight));
            }
        }
        if (!anyResolved || out.stream().allMatch(r -> r.weight() == 0)) {
            return new Backends(INVALID_BACKENDS, reason, message);
        }
        return new Backends(new RouteAction.Forward(out), reason, message);
    }

    /** The name of port {@code number} of {@code service} (a BackendTLSPolicy's sectionName), or null. */
    static String portName(Service service, int number) {
        if (service == null || service.getSpec() == null || service.getSpec().getPorts() == null) {
            return null;
        }
        for (ServicePort p : service.getSpec().getPorts()) {
            if (p.getPort() != null && p.getPort() == number) {
                return p.getName();
            }
        }
        return null;
    }

    /** The appProtocol by which a Service port asks for HTTP/2 in clear text with prior knowledge. */
    static final String H2C_APP_PROTOCOL = "kubernetes.io/h2c";

    /**
     * Whether port {@code number} of {@code service} says {@code appProtocol: kubernetes.io/h2c}: the backendRefs
     * of an HTTPRoute to it are spoken to in h2c, as the spec's backend protocol selection has it (any other
     * appProtocol, {@code kubernetes.io/ws} among them, keeps HTTP/1.1).
     */
    static boolean speaksH2c(Service service, int number) {
        if (service == null || service.getSpec() == null || service.getSpec().getPorts() == null) {
            return false;
        }
        for (ServicePort p : service.getSpec().getPorts()) {
            if (p.getPort() != null && p.getPort() == number) {
                return H2C_APP_PROTOCOL.equals(p.getAppProtocol());
            }
        }
        return false;
    }
}
