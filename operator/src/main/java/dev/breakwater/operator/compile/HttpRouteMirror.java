package dev.breakwater.operator.compile;

import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.RequestMirror;
import dev.breakwater.routing.RouteAction;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import java.util.List;

/**
 * An HTTPRoute (or GRPCRoute) rule's {@code RequestMirror} filter as the table's {@link RequestMirror}: its backendRef
 * resolved like the rule's own backendRefs (a Service, of another namespace only with a ReferenceGrant). Every
 * request of the rule is copied to it, or the share {@code percent} or {@code fraction} says (each request drawn at
 * random by the data plane). A backendRef that cannot be used mirrors nothing, serves the rule, and is the route's
 * {@code ResolvedRefs} reason.
 */
final class HttpRouteMirror {

    /** The mirror (null: none), whether the rule must answer 500, and the ResolvedRefs reason and message. */
    record Result(RequestMirror mirror, boolean unsupported, String reason, String message) {
    }

    private HttpRouteMirror() {
    }

    static Result read(RouteContext c, String field, HTTPRequestMirrorFilter filter, BackendResolver resolver,
                       ReferenceGrants grants, String routeKind, Cluster.Protocol protocol) {
        if (filter == null || filter.getBackendRef() == null) {
            c.error(field + ".backendRef", "a backendRef is required; requests of this rule get 500");
            return new Result(null, true, null, null);
        }
        Double percent = percent(filter);
        if (percent != null && percent.isNaN()) {
            c.error(field + ".fraction", "the denominator must be above 0 and the numerator not above it; "
                    + "requests of this rule get 500");
            return new Result(null, true, null, null);
        }
        BackendObjectReference target = filter.getBackendRef();
        HTTPBackendRef ref = new HTTPBackendRef();
        ref.setGroup(target.getGroup());
        ref.setKind(target.getKind());
        ref.setName(target.getName());
        ref.setNamespace(target.getNamespace());
        ref.setPort(target.getPort());
        HttpRouteRules.Backends b = HttpRouteRules.backends(c, field, List.of(ref), resolver, grants, routeKind,
                protocol);
        if (!(b.action() instanceof RouteAction.Forward forward)) {
            return new Result(null, false, b.reason(), b.message());
        }
        return new Result(RequestMirror.to(forward.backends().get(0).cluster()).withPercent(percent), false, null,
                null);
    }

    /**
     * The share of requests to copy, in percent: {@code percent}, else {@code fraction} (denominator 100 by default);
     * null for every request; NaN for a fraction that cannot be used (the CRD's validation refuses those).
     */
    private static Double percent(HTTPRequestMirrorFilter filter) {
        var f = filter.getFraction();
        if (f != null && f.getNumerator() != null) {
            int denominator = f.getDenominator() == null ? 100 : f.getDenominator();
            if (denominator <= 0 || f.getNumerator() < 0 || f.getNumerator() > denominator) {
                return Double.NaN;
            }
            return f.getNumerator() >= denominator ? null : 100.0 * f.getNumerator() / denominator;
        }
        if (filter.getPercent() != null) {
            return filter.getPercent() >= 100 ? null : (double) Math.max(0, filter.getPercent());
        }
        return null;
    }
}
