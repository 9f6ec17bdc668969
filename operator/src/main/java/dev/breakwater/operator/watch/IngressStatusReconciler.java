package dev.breakwater.operator.watch;

import dev.breakwater.operator.status.DiagnosticEvents;
import dev.breakwater.operator.status.IngressStatusPolicy;
import dev.breakwater.operator.status.LoadBalancerAddress;
import dev.breakwater.operator.status.StatusBook;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Writes one Ingress's status from the {@link StatusBook}: on the leader only, a Warning Event per new
 * diagnostic, and {@code status.loadBalancer} by server-side apply of a minimal object (JOSDK's
 * {@code patchStatus}, field manager from the settings) when it differs from what the Ingress says. Reconciles
 * are triggered by compilations and address changes ({@link StatusTrigger}) and by any change of the Ingress,
 * so a status someone else overwrote is put back.
 */
final class IngressStatusReconciler implements Reconciler<Ingress> {

    private final StatusBook book;
    private final DiagnosticEvents events;
    private final BooleanSupplier leader;
    private final Function<EventSourceContext<Ingress>, List<EventSource<?, Ingress>>> eventSources;

    IngressStatusReconciler(StatusBook book, DiagnosticEvents events, BooleanSupplier leader,
                            Function<EventSourceContext<Ingress>, List<EventSource<?, Ingress>>> eventSources) {
        this.book = Objects.requireNonNull(book, "book");
        this.events = Objects.requireNonNull(events, "events");
        this.leader = Objects.requireNonNull(leader, "leader");
        this.eventSources = Objects.requireNonNull(eventSources, "eventSources");
    }

    @Override
    public List<EventSource<?, Ingress>> prepareEventSources(EventSourceContext<Ingress> context) {
        return eventSources.apply(context);
    }

    @Override
    public UpdateControl<Ingress> reconcile(Ingress ingress, Context<Ingress> context) {
        if (!leader.getAsBoolean()) {
            return UpdateControl.noUpdate();
        }
        StatusBook.IngressFacts facts = book.facts(StatusBook.objectName(ingress));
        if (facts == null) {
            return UpdateControl.noUpdate();
        }
        events.emit(ingress, facts.diagnostics());
        Optional<List<LoadBalancerAddress>> desired = IngressStatusPolicy.desired(ingress, facts, book.addresses());
        if (desired.isEmpty() || !leader.getAsBoolean()) {
            return UpdateControl.noUpdate();
        }
        return UpdateControl.patchStatus(IngressStatusPolicy.statusPatch(ingress, desired.get()));
    }
}
