package dev.breakwater.operator.compile;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCMethodMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A GRPCRoute's rules written as the HTTPRoute rules they mean, so that {@link GatewayApiProcessor} compiles both
 * kinds alike. A gRPC call is a POST to {@code /service/method}, so a method match is a path match:
 * <ul>
 *   <li>{@code Exact} with service and method: the exact path {@code /service/method}; with the service only: the
 *       path prefix {@code /service} (every method of it); with the method only: the regular expression
 *       {@code /[^/]+/method} (that method of any service);</li>
 *   <li>{@code RegularExpression}: the path {@code /service/method}, each side the given expression, an absent one
 *       {@code [^/]+};</li>
 *   <li>header matches as an HTTPRoute's ({@code Exact}, {@code RegularExpression}); no match at all: every call.</li>
 * </ul>
 * Filters are HTTPRoute filters of the same type (RequestHeaderModifier, ResponseHeaderModifier; RequestMirror and
 * ExtensionRef, which {@link HttpRouteRules#filter} does not support), backendRefs HTTPRoute backendRefs. A method
 * match that cannot be used is reported under its own field and drops that match (a match without it would take
 * more calls).
 */
final class GrpcRouteRules {

    /** Any one service or method name. */
    static final String ANY_NAME = "[^/]+";

    private GrpcRouteRules() {
    }

    /** The rules as HTTPRoute rules, in order; a null or empty list gives an empty one. */
    static List<HTTPRouteRule> rules(RouteContext c, List<GRPCRouteRule> rules) {
        List<HTTPRouteRule> out = new ArrayList<>();
        if (rules == null) {
            return out;
        }
        for (int i = 0; i < rules.size(); i++) {
            out.add(rule(c, "spec.rules[" + i + "]", rules.get(i)));
        }
        return out;
    }

    private static HTTPRouteRule rule(RouteContext c, String field, GRPCRouteRule rule) {
        HTTPRouteRule out = new HTTPRouteRule();
        out.setName(rule.getName());
        if (rule.getMatches() != null && !rule.getMatches().isEmpty()) {
            List<HTTPRouteMatch> matches = new ArrayList<>();
            for (int m = 0; m < rule.getMatches().size(); m++) {
                HTTPRouteMatch match = match(c, field + ".matches[" + m + "]", rule.getMatches().get(m));
                if (match != null) {
                    matches.add(match);
                }
            }
            if (matches.isEmpty()) {
                // every match was dropped: the rule takes no call (an empty list would take them all)
                HTTPRouteMatch none = new HTTPRouteMatch();
                none.setPath(new HTTPPathMatch("RegularExpression", "(?!)")); // matches no path
                matches.add(none);
            }
            out.setMatches(matches);
        }
        if (rule.getFilters() != null) {
            out.setFilters(rule.getFilters().stream().map(GrpcRouteRules::filter).toList());
        }
        if (rule.getBackendRefs() != null) {
            out.setBackendRefs(rule.getBackendRefs().stream().map(GrpcRouteRules::backendRef).toList());
        }
        return out;
    }

    /** The HTTPRoute match for one GRPCRoute match, or null (reported) when its method match cannot be used. */
    static HTTPRouteMatch match(RouteContext c, String field, GRPCRouteMatch m) {
        HTTPRouteMatch out = new HTTPRouteMatch();
        if (m == null) {
            return out;
        }
        GRPCMethodMatch method = m.getMethod();
        if (method != null) {
            HTTPPathMatch path = path(c, field + ".method", method);
            if (path == null) {
                return null;
            }
            out.setPath(path);
        }
        if (m.getHeaders() != null) {
            List<HTTPHeaderMatch> headers = new ArrayList<>();
            for (GRPCHeaderMatch h : m.getHeaders()) {
                headers.add(new HTTPHeaderMatch(h.getName(), h.getType(), h.getValue()));
            }
            out.setHeaders(headers);
        }
        return out;
    }

    private static HTTPPathMatch path(RouteContext c, String field, GRPCMethodMatch method) {
        String service = empty(method.getService()) ? null : method.getService();
        String name = empty(method.getMethod()) ? null : method.getMethod();
        String type = method.getType() == null ? "Exact" : method.getType();
        switch (type) {
            case "Exact" -> {
                if (service == null && name == null) {
                    c.error(field, "an Exact method match needs a service, a method or both; the match is left out");
                    return null;
                }
                if (!name(c, field + ".service", service) || !name(c, field + ".method", name)) {
                    return null;
                }
                if (name == null) {
                    return new HTTPPathMatch("PathPrefix", "/" + service);
                }
                if (service == null) {
                    return new HTTPPathMatch("RegularExpression", "/" + ANY_NAME + "/" + Pattern.quote(name));
                }
                return new HTTPPathMatch("Exact", "/" + service + "/" + name);
            }
            case "RegularExpression" -> {
                if (!regex(c, field + ".service", service) || !regex(c, field + ".method", name)) {
                    return null;
                }
                return new HTTPPathMatch("RegularExpression", "/" + (service == null ? ANY_NAME : "(?:" + service
                        + ")") + "/" + (name == null ? ANY_NAME : "(?:" + name + ")"));
            }
            default -> {
                c.error(field + ".type", "UnsupportedValue: " + type + " (Exact or RegularExpression); the match is "
                        + "left out");
                return null;
            }
        }
    }

    private static boolean name(RouteContext c, String field, String value) {
        if (value != null && value.contains("/")) {
            c.error(field, "\"" + value + "\" holds a \"/\"; the match is left out");
            return false;
        }
        return true;
    }

    private static boolean regex(RouteContext c, String field, String value) {
        if (value == null) {
            return true;
        }
        try {
            Pattern.compile(value);
            return true;
        } catch (PatternSyntaxException e) {
            c.error(field, "\"" + value + "\" is not a valid regular expression: " + e.getDescription()
                    + "; the match is left out");
            return false;
        }
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    private static HTTPRouteFilter filter(GRPCRouteFilter f) {
        HTTPRouteFilter out = new HTTPRouteFilter();
        out.setType(f.getType());
        out.setRequestHeaderModifier(f.getRequestHeaderModifier());
        out.setResponseHeaderModifier(f.getResponseHeaderModifier());
        out.setRequestMirror(f.getRequestMirror());
        out.setExtensionRef(f.getExtensionRef());
        return out;
    }

    private static HTTPBackendRef backendRef(GRPCBackendRef r) {
        HTTPBackendRef out = new HTTPBackendRef();
        out.setGroup(r.getGroup());
        out.setKind(r.getKind());
        out.setName(r.getName());
        out.setNamespace(r.getNamespace());
        out.setPort(r.getPort());
        out.setWeight(r.getWeight());
        return out;
    }
}
