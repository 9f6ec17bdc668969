package dev.breakwater.operator.compile;

import java.util.ArrayList;
import java.util.List;

/**
 * The status facts of one Gateway from what {@link GatewayListeners} and the HTTPRoutes found: per listener
 * {@code Accepted}, {@code ResolvedRefs}, {@code Conflicted}, its supported kinds and attached routes; for the Gateway
 * {@code Accepted} ({@code ListenersNotValid} when some listener cannot be served: True while another can).
 */
final class GatewayReports {

    private GatewayReports() {
    }

    static GatewayApiStatus.GatewayReport report(GatewayListeners.GatewayModel g) {
        List<GatewayApiStatus.ListenerReport> listeners = new ArrayList<>();
        int serving = 0;
        for (GatewayListeners.ListenerModel l : g.listeners) {
            if (l.serves()) {
                serving++;
            }
            RouteStatusReport.Condition accepted = l.notAccepted == null
                    ? GatewayApiProcessor.condition("Accepted", true, "Accepted", "served on port " + l.port)
                    : GatewayApiProcessor.condition("Accepted", false, l.notAccepted[0], l.notAccepted[1]);
            String[] unresolved = l.unresolved();
            RouteStatusReport.Condition resolved = unresolved == null
                    ? GatewayApiProcessor.condition("ResolvedRefs", true, "ResolvedRefs",
                            l.certificate == null ? "nothing to resolve" : "certificate of Secret " + l.certificate)
                    : GatewayApiProcessor.condition("ResolvedRefs", false, unresolved[0], unresolved[1]);
            RouteStatusReport.Condition conflicted = l.conflicted == null
                    ? GatewayApiProcessor.condition("Conflicted", false, "NoConflicts", "no conflict")
                    : GatewayApiProcessor.condition("Conflicted", true, l.conflicted[0], l.conflicted[1]);
            List<String> kinds = l.kinds.stream().map(k -> ReferenceGrants.GATEWAY_GROUP + "/" + k).toList();
            listeners.add(new GatewayApiStatus.ListenerReport(l.name, kinds, l.attachedRoutes, accepted, resolved,
                    conflicted));
        }
        RouteStatusReport.Condition accepted;
        if (g.problem != null) {
            accepted = GatewayApiProcessor.condition("Accepted", false, g.problem[0], g.problem[1]);
        } else if (serving == g.listeners.size()) {
            accepted = GatewayApiProcessor.condition("Accepted", true, "Accepted", "every listener is served");
        } else {
            accepted = GatewayApiProcessor.condition("Accepted", serving > 0, "ListenersNotValid", serving + " of "
                    + g.listeners.size() + " listeners are served (see the listeners' conditions)");
        }
        return new GatewayApiStatus.GatewayReport(g.namespace, g.name, g.gateway.getMetadata().getGeneration(),
                accepted, listeners);
    }
}
