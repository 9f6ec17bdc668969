package dev.breakwater.operator.watch;

import dev.breakwater.operator.compile.RouteStatusReport;
import dev.breakwater.operator.crd.Route;
import dev.breakwater.operator.crd.RouteStatus;
import dev.breakwater.operator.status.DiagnosticEvents;
import dev.breakwater.operator.status.RouteConditions;
import dev.breakwater.operator.status.RouteStatusBook;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Writes one Route's status from the {@link RouteStatusBook}: on the leader only, a Warning Event per new
 * diagnostic, and {@code status} ({@code observedGeneration}, {@code Accepted}, {@code ResolvedRefs},
 * {@code Programmed}) by server-side apply of a minimal object (JOSDK's {@code patchStatus}, the field manager
 * of the Ingress status) when it differs from what the Route says. Reconciles are triggered by compilations, by
 * the data planes' answers ({@link StatusTrigger}) and by any change of the Route, so a status someone else
 * overwrote is put back.
 */
final class RouteStatusReconciler implements Reconciler<Route> {

    private final RouteStatusBook book;
    private final DiagnosticEvents events;
    private final BooleanSupplier leader;
    private final Clock clock;
    private final Function<EventSourceContext<Route>, List<EventSource<?, Route>>> eventSources;

    RouteStatusReconciler(RouteStatusBook book, DiagnosticEvents events, BooleanSupplier leader, Clock clock,
                          Function<EventSourceContext<Route>, List<EventSource<?, Route>>> eventSources) {
        this.book = Objects.requireNonNull(book, "book");
        this.events = Objects.requireNonNull(events, "events");
        this.leader = Objects.requireNonNull(leader, "leader");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.eventSources = Objects.requireNonNull(eventSources, "eventSources");
    }

    @Override
    public List<EventSource<?, Route>> prepareEventSources(EventSourceContext<Route> context) {
        return eventSources.apply(context);
    }

    @Override
    public UpdateControl<Route> reconcile(Route route, Context<Route> context) {
        if (!leader.getAsBoolean()) {
            return UpdateControl.noUpdate();
        }
        String object = RouteStatusBook.objectName(route);
        RouteStatusBook.RouteFacts facts = book.facts(object);
        if (facts == null) {
            return UpdateControl.noUpdate(); // not compiled yet: the compilation triggers this again
        }
        Long generation = facts.report().generation();
        Long current = route.getMetadata().getGeneration();
        if (generation != null && current != null && generation < current) {
            return UpdateControl.noUpdate(); // a newer generation is on its way to the compiler
        }
        events.emit(route, facts.diagnostics());
        RouteStatusReport.Condition programmed = book.programmed(object);
        if (programmed == null) {
            return UpdateControl.noUpdate();
        }
        if (book.inTakeover()) {
            programmed = RouteConditions.keepDuringTakeover(programmed, route.getStatus(), generation);
        }
        RouteStatus desired = RouteConditions.desired(route.getStatus(), generation,
                List.of(facts.report().accepted(), facts.report().resolvedRefs(), programmed), clock.instant());
        if (RouteConditions.same(route.getStatus(), desired) || !leader.getAsBoolean()) {
            return UpdateControl.noUpdate();
        }
        return UpdateControl.patchStatus(RouteConditions.statusPatch(route, desired));
    }
}
