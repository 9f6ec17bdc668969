package dev.breakwater.operator.status;

import dev.breakwater.operator.compile.GatewayApiStatus;
import dev.breakwater.operator.compile.RouteStatusReport;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code status} Gateway API objects of ours should have, from the compiler's {@link GatewayApiStatus}, the
 * {@code Programmed} condition of the data planes' acknowledgements and the addresses of the Ingress status: pure
 * functions, no client, no clock. Each condition carries the object's generation; its {@code lastTransitionTime} is
 * the current one's while its status stays, else {@code now}. An HTTPRoute's parents of other controllers are kept.
 */
public final class GatewayConditions {

    private GatewayConditions() {
    }

    public static GatewayClassStatus gatewayClass(GatewayClassStatus current, GatewayApiStatus.GatewayClassReport r,
                                                  Instant now) {
        GatewayClassStatus status = new GatewayClassStatus();
        status.setConditions(conditions(current == null ? null : current.getConditions(), r.generation(), now,
                List.of(r.accepted())));
        if (current != null && current.getSupportedFeatures() != null) {
            status.setSupportedFeatures(current.getSupportedFeatures());
        }
        return status;
    }

    /**
     * @param programmed {@code Programmed} of the Gateway (from the data planes); listeners that are served share it,
     *                   the others are {@code Programmed=False}, reason {@code Invalid}
     * @param addresses  the addresses of the Ingress status; null while unknown (the current ones are kept)
     */
    public static GatewayStatus gateway(GatewayStatus current, GatewayApiStatus.GatewayReport r,
                                        RouteStatusReport.Condition programmed, List<LoadBalancerAddress> addresses,
                                        Instant now) {
        GatewayStatus status = new GatewayStatus();
        boolean accepted = r.accepted().status();
        RouteStatusReport.Condition gatewayProgrammed = accepted ? programmed
                : new RouteStatusReport.Condition("Programmed", false, "Invalid", "the Gateway is not accepted");
        status.setConditions(conditions(current == null ? null : current.getConditions(), r.generation(), now,
                List.of(r.accepted(), gatewayProgrammed)));
        if (addresses != null) {
            List<GatewayStatusAddress> out = new ArrayList<>();
            for (LoadBalancerAddress a : addresses) {
                GatewayStatusAddress address = new GatewayStatusAddress();
                address.setType(a.ip() != null ? "IPAddress" : "Hostname");
                address.setValue(a.ip() != null ? a.ip() : a.hostname());
                out.add(address);
            }
            status.setAddresses(out);
        } else if (current != null) {
            status.setAddresses(current.getAddresses());
        }
        List<ListenerStatus> listeners = new ArrayList<>();
        for (GatewayApiStatus.ListenerReport l : r.listeners()) {
            ListenerStatus ls = new ListenerStatus();
            ls.setName(l.name());
            ls.setAttachedRoutes(l.attachedRoutes());
            List<RouteGroupKind> kinds = new ArrayList<>();
            for (String k : l.supportedKinds()) {
                int slash = k.lastIndexOf('/');
                RouteGroupKind kind = new RouteGroupKind();
                kind.setGroup(k.substring(0, slash));
                kind.setKind(k.substring(slash + 1));
                kinds.add(kind);
            }
            ls.setSupportedKinds(kinds);
            boolean serves = accepted && l.accepted().status() && !l.conflicted().status() && l.resolvedRefs().status();
            RouteStatusReport.Condition listenerProgrammed = serves ? gatewayProgrammed
                    : new RouteStatusReport.Condition("Programmed", false, "Invalid",
                            "the listener is not served (see Accepted, ResolvedRefs and Conflicted)");
            ListenerStatus before = current == null || current.getListeners() == null ? null
                    : current.getListeners().stream().filter(x -> l.name().equals(x.getName())).findFirst()
                    .orElse(null);
            ls.setConditions(conditions(before == null ? null : before.getConditions(), r.generation(), now,
                    List.of(l.accepted(), l.resolvedRefs(), l.conflicted(), listenerProgrammed)));
            listeners.add(ls);
        }
        status.setListeners(listeners);
        return status;
    }

    /** The HTTPRoute's status: the parents of {@code controllerName} replaced by the report's, the others kept. */
    public static HTTPRouteStatus httpRoute(HTTPRouteStatus current, GatewayApiStatus.HttpRouteReport r,
                                            String controllerName, Instant now) {
        HTTPRouteStatus status = new HTTPRouteStatus();
        List<RouteParentStatus> parents = new ArrayList<>();
        List<RouteParentStatus> before = current == null || current.getParents() == null ? List.of()
                : current.getParents();
        for (RouteParentStatus p : before) {
            if (!controllerName.equals(p.getControllerName())) {
                parents.add(p);
            }
        }
        for (GatewayApiStatus.ParentReport p : r.parents()) {
            ParentReference ref = new ParentReference();
            ref.setGroup(p.ref().group());
            ref.setKind(p.ref().kind());
            ref.setNamespace(p.ref().namespace());
            ref.setName(p.ref().name());
            ref.setSectionName(p.ref().sectionName());
            ref.setPort(p.ref().port());
            RouteParentStatus old = before.stream().filter(x -> controllerName.equals(x.getControllerName())
                    && Objects.equals(x.getParentRef(), ref)).findFirst().orElse(null);
            RouteParentStatus out = new RouteParentStatus();
            out.setControllerName(controllerName);
            out.setParentRef(ref);
            out.setConditions(conditions(old == null ? null : old.getConditions(), r.generation(), now,
                    List.of(p.accepted(), p.resolvedRefs())));
            parents.add(out);
        }
        status.setParents(parents);
        return status;
    }

    /** The parents of a TLSRoute, TCPRoute or UDPRoute's status, as {@link #httpRoute} writes an HTTPRoute's. */
    public static List<RouteParentStatus> routeParents(List<RouteParentStatus> current,
                                                       GatewayApiStatus.HttpRouteReport r, String controllerName,
                                                       Instant now) {
        HTTPRouteStatus before = new HTTPRouteStatus();
        before.setParents(current);
        return httpRoute(before, r, controllerName, now).getParents();
    }

    /**
     * A BackendTLSPolicy's status: the ancestors of {@code controllerName} replaced by the report's (its parents are
     * the ancestor Gateways), the other controllers' kept.
     */
    public static PolicyStatus policy(PolicyStatus current, GatewayApiStatus.HttpRouteReport r, String controllerName,
                                      Instant now) {
        List<PolicyAncestorStatus> before = current == null || current.getAncestors() == null ? List.of()
                : current.getAncestors();
        List<PolicyAncestorStatus> ancestors = new ArrayList<>();
        for (PolicyAncestorStatus a : before) {
            if (!controllerName.equals(a.getControllerName())) {
                ancestors.add(a);
            }
        }
        for (GatewayApiStatus.ParentReport p : r.parents()) {
            ParentReference ref = new ParentReference();
            ref.setGroup(p.ref().group());
            ref.setKind(p.ref().kind());
            ref.setNamespace(p.ref().namespace());
            ref.setName(p.ref().name());
            ref.setSectionName(p.ref().sectionName());
            ref.setPort(p.ref().port());
            PolicyAncestorStatus old = before.stream().filter(x -> controllerName.equals(x.getControllerName())
                    && Objects.equals(x.getAncestorRef(), ref)).findFirst().orElse(null);
            PolicyAncestorStatus out = new PolicyAncestorStatus();
            out.setControllerName(controllerName);
            out.setAncestorRef(ref);
            out.setConditions(conditions(old == null ? null : old.getConditions(), r.generation(), now,
                    List.of(p.accepted(), p.resolvedRefs())));
            ancestors.add(out);
        }
        PolicyStatus status = new PolicyStatus();
        status.setAncestors(ancestors);
        return status;
    }

    /** The GRPCRoute's status, as {@link #httpRoute} writes an HTTPRoute's. */
    public static GRPCRouteStatus grpcRoute(GRPCRouteStatus current, GatewayApiStatus.HttpRouteReport r,
                                            String controllerName, Instant now) {
        HTTPRouteStatus before = new HTTPRouteStatus();
        before.setParents(current == null ? null : current.getParents());
        GRPCRouteStatus status = new GRPCRouteStatus();
        status.setParents(httpRoute(before, r, controllerName, now).getParents());
        return status;
    }

    private static List<Condition> conditions(List<Condition> current, Long generation, Instant now,
                                              List<RouteStatusReport.Condition> wanted) {
        String time = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
        List<Condition> out = new ArrayList<>();
        for (RouteStatusReport.Condition c : wanted) {
            String s = c.status() ? "True" : "False";
            Condition old = current == null ? null : current.stream().filter(x -> c.type().equals(x.getType()))
                    .findFirst().orElse(null);
            String since = old != null && s.equals(old.getStatus()) && old.getLastTransitionTime() != null
                    ? old.getLastTransitionTime() : time;
            String message = c.message().length() <= 32768 ? c.message() : c.message().substring(0, 32765) + "...";
            out.add(new ConditionBuilder().withType(c.type()).withStatus(s).withReason(c.reason())
                    .withMessage(message).withObservedGeneration(generation).withLastTransitionTime(since).build());
        }
        return out;
    }
}
