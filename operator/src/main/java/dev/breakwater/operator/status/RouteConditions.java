package dev.breakwater.operator.status;

import dev.breakwater.operator.compile.RouteStatusReport;
import dev.breakwater.operator.crd.Route;
import dev.breakwater.operator.crd.RouteCondition;
import dev.breakwater.operator.crd.RouteStatus;
import dev.breakwater.operator.publish.TableVersions;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongPredicate;

/**
 * What a Route's {@code status} should say: {@code observedGeneration} and the conditions {@code Accepted} and
 * {@code ResolvedRefs} (the compiler's {@link RouteStatusReport}) and {@code Programmed} (whether the data planes
 * serve a table that carries the Route's generation), in the shape of {@code metav1.Condition}. A condition's
 * {@code lastTransitionTime} changes only when its status does. Pure functions: no client, no clock.
 */
public final class RouteConditions {

    public static final String PROGRAMMED = "Programmed";

    /** {@code Programmed=True}: every connected data plane serves a table carrying this generation. */
    public static final String REASON_PROGRAMMED = "Programmed";
    /** {@code Programmed=False}: the table carrying this generation is not applied everywhere yet. */
    public static final String REASON_PENDING = "Pending";
    /** {@code Programmed=False}: no data plane is connected to the (leading) operator. */
    public static final String REASON_NO_DATA_PLANES = "NoDataPlanes";
    /** {@code Programmed=False}: nothing of the Route is served ({@code Accepted=False}). */
    public static final String REASON_NOT_ACCEPTED = "NotAccepted";

    private RouteConditions() {
    }

    /**
     * {@code Programmed} of a Route.
     *
     * @param report    what the compiler found (its generation, whether it is accepted)
     * @param version   the first table version that carried this generation; 0 when that table could not be
     *                  published
     * @param acked     the highest version each connected data plane serves ({@code TablePublisher.ackedVersions})
     * @param allAcked  {@code TablePublisher.allAcked}
     */
    public static RouteStatusReport.Condition programmed(RouteStatusReport report, long version,
                                                         Map<String, Long> acked, LongPredicate allAcked) {
        String generation = report.generation() == null ? "this Route" : "generation " + report.generation();
        if (!report.accepted().status()) {
            return condition(false, REASON_NOT_ACCEPTED, "nothing of " + generation
                    + " is served (see Accepted)");
        }
        if (version <= 0) {
            return condition(false, REASON_PENDING, generation
                    + " is compiled, but its table could not be published yet (the next change tries again)");
        }
        String table = "table v" + TableVersions.describe(version);
        if (acked.isEmpty()) {
            return condition(false, REASON_NO_DATA_PLANES, "no data plane is connected to the operator; " + table
                    + " carries " + generation);
        }
        if (allAcked.test(version)) {
            return condition(true, REASON_PROGRAMMED, "every connected data plane serves " + table
                    + " or a later one; " + table + " carries " + generation);
        }
        return condition(false, REASON_PENDING, table + " carries " + generation
                + "; waiting for every connected data plane to apply it (or a later table)");
    }

    private static RouteStatusReport.Condition condition(boolean status, String reason, String message) {
        return new RouteStatusReport.Condition(PROGRAMMED, status, reason, message);
    }

    /**
     * During a new leader's first moments the data planes are still reconnecting to it: a Route whose status says
     * {@code Programmed=True} for the same generation keeps that, rather than flipping to {@code NoDataPlanes}
     * and back (they still serve the table the previous leader sent, which carries this generation).
     *
     * @param computed   {@link #programmed} now
     * @param current    the Route's status as it is (may be null)
     * @param generation the generation {@code computed} is about
     * @return {@code computed}, or the current {@code Programmed=True} it should not replace yet
     */
    public static RouteStatusReport.Condition keepDuringTakeover(RouteStatusReport.Condition computed,
                                                                 RouteStatus current, Long generation) {
        if (!REASON_NO_DATA_PLANES.equals(computed.reason()) || current == null || current.conditions == null
                || !Objects.equals(current.observedGeneration, generation)) {
            return computed;
        }
        for (RouteCondition c : current.conditions) {
            if (PROGRAMMED.equals(c.type) && c.status == RouteCondition.Status.TRUE
                    && Objects.equals(c.observedGeneration, generation) && c.reason != null && c.message != null) {
                return new RouteStatusReport.Condition(PROGRAMMED, true, c.reason, c.message);
            }
        }
        return computed;
    }

    /**
     * The status a Route should have: {@code observedGeneration} and these conditions, each with the Route's
     * generation and, when its status is the one {@code current} holds, {@code current}'s
     * {@code lastTransitionTime} (else {@code now}, in whole seconds).
     *
     * @param current    the Route's status now; may be null
     * @param conditions Accepted, ResolvedRefs, Programmed
     */
    public static RouteStatus desired(RouteStatus current, Long generation,
                                      List<RouteStatusReport.Condition> conditions, Instant now) {
        String time = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
        RouteStatus status = new RouteStatus();
        status.observedGeneration = generation;
        status.conditions = new ArrayList<>();
        for (RouteStatusReport.Condition c : conditions) {
            RouteCondition out = new RouteCondition();
            out.type = c.type();
            out.status = c.status() ? RouteCondition.Status.TRUE : RouteCondition.Status.FALSE;
            out.reason = c.reason();
            out.message = c.message().length() <= 32768 ? c.message() : c.message().substring(0, 32765) + "...";
            out.observedGeneration = generation;
            RouteCondition before = find(current, c.type());
            out.lastTransitionTime = before != null && before.status == out.status && before.lastTransitionTime != null
                    ? before.lastTransitionTime : time;
            status.conditions.add(out);
        }
        return status;
    }

    /** True when {@code a} and {@code b} say the same: the generation and every field of every condition, in order. */
    public static boolean same(RouteStatus a, RouteStatus b) {
        if (a == null || b == null) {
            return a == b;
        }
        List<RouteCondition> x = a.conditions == null ? List.of() : a.conditions;
        List<RouteCondition> y = b.conditions == null ? List.of() : b.conditions;
        if (!Objects.equals(a.observedGeneration, b.observedGeneration) || x.size() != y.size()) {
            return false;
        }
        for (int i = 0; i < x.size(); i++) {
            RouteCondition p = x.get(i);
            RouteCondition q = y.get(i);
            if (!Objects.equals(p.type, q.type) || p.status != q.status || !Objects.equals(p.reason, q.reason)
                    || !Objects.equals(p.message, q.message)
                    || !Objects.equals(p.observedGeneration, q.observedGeneration)
                    || !Objects.equals(p.lastTransitionTime, q.lastTransitionTime)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The smallest Route that says {@code status}: apiVersion, kind, name, namespace and status, for a server-side
     * apply of the status subresource (the field manager then owns the status it wrote, and nothing else).
     */
    public static Route statusPatch(Route route, RouteStatus status) {
        Route patch = new Route();
        ObjectMeta meta = new ObjectMeta();
        meta.setName(route.getMetadata().getName());
        meta.setNamespace(route.getMetadata().getNamespace());
        patch.setMetadata(meta);
        patch.setSpec(null);
        patch.setStatus(Objects.requireNonNull(status, "status"));
        return patch;
    }

    private static RouteCondition find(RouteStatus status, String type) {
        if (status == null || status.conditions == null) {
            return null;
        }
        return status.conditions.stream().filter(c -> type.equals(c.type)).findFirst().orElse(null);
    }
}
