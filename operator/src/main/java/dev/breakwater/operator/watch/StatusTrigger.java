package dev.breakwater.operator.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.util.Collection;
import java.util.Objects;

/**
 * The event source between the compile pipeline and a status reconciler (Ingress or Route): it hears every change
 * of the reconciler's primary informer (and passes it on to the pipeline), and asks JOSDK to reconcile the objects
 * whose status facts a compilation, an address change or the data planes' answers altered.
 *
 * @param <P> Ingress or Route
 */
final class StatusTrigger<P extends HasMetadata> extends SimpleInboundEventSource<P> implements ResourceEventAware<P> {

    private final String kind;
    private final WatchedInformer.Listener<P> listener;

    /** @param kind the kind of the objects named in {@link #trigger} ({@code Ingress/namespace/name}) */
    StatusTrigger(String kind, WatchedInformer.Listener<P> listener) {
        super("status-trigger-" + kind.toLowerCase(java.util.Locale.ROOT));
        this.kind = Objects.requireNonNull(kind, "kind");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public void onResourceCreated(P resource) {
        listener.changed(null, resource);
    }

    @Override
    public void onResourceUpdated(P newResource, P oldResource) {
        listener.changed(oldResource, newResource);
    }

    @Override
    public void onResourceDeleted(P resource) {
        listener.changed(resource, null);
    }

    /** Reconcile these objects ({@code Kind/namespace/name}); other kinds are skipped. */
    void trigger(Collection<String> objects) {
        String prefix = kind + "/";
        for (String object : objects) {
            int second = object.indexOf('/', prefix.length());
            if (!object.startsWith(prefix) || second < 0) {
                continue;
            }
            propagateEvent(new ResourceID(object.substring(second + 1), object.substring(prefix.length(), second)));
        }
    }
}
