package dev.breakwater.operator.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Objects;

/**
 * An informer of one kind whose changes are also reported to a listener (after the cache took them), besides
 * JOSDK's own event handling. The watched kinds map to no Ingress: their changes reach the table through the
 * compile pipeline and Ingress status through the compilations, never by reconciling directly.
 */
final class WatchedInformer<R extends HasMetadata> extends InformerEventSource<R, Ingress> {

    /** Told about each change: {@code before} is null for an addition, {@code after} null for a deletion. */
    interface Listener<R> {
        void changed(R before, R after);
    }

    private final Listener<R> listener;

    WatchedInformer(InformerEventSourceConfiguration<R> configuration, EventSourceContext<Ingress> context,
                    Listener<R> listener) {
        super(configuration, context);
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public void onAdd(R added) {
        super.onAdd(added);
        listener.changed(null, added);
    }

    @Override
    public void onUpdate(R before, R after) {
        super.onUpdate(before, after);
        listener.changed(before, after);
    }

    @Override
    public void onDelete(R deleted, boolean finalStateUnknown) {
        super.onDelete(deleted, finalStateUnknown);
        listener.changed(deleted, null);
    }
}
