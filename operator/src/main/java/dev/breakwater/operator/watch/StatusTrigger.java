package dev.breakwater.operator.watch;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.util.Collection;
import java.util.Objects;

/**
 * The event source between the compile pipeline and the Ingress status reconciler: it hears every change of the
 * primary Ingress informer (and passes it on to the pipeline), and asks JOSDK to reconcile the Ingresses whose
 * status facts a compilation or an address change altered.
 */
final class StatusTrigger extends SimpleInboundEventSource<Ingress> implements ResourceEventAware<Ingress> {

    private final WatchedInformer.Listener<Ingress> ingressListener;

    StatusTrigger(WatchedInformer.Listener<Ingress> ingressListener) {
        super("status-trigger");
        this.ingressListener = Objects.requireNonNull(ingressListener, "ingressListener");
    }

    @Override
    public void onResourceCreated(Ingress resource) {
        ingressListener.changed(null, resource);
    }

    @Override
    public void onResourceUpdated(Ingress newResource, Ingress oldResource) {
        ingressListener.changed(oldResource, newResource);
    }

    @Override
    public void onResourceDeleted(Ingress resource) {
        ingressListener.changed(resource, null);
    }

    /** Reconcile these Ingresses ({@code Ingress/namespace/name}). */
    void trigger(Collection<String> objects) {
        for (String object : objects) {
            int first = object.indexOf('/');
            int second = object.indexOf('/', first + 1);
            if (first < 0 || second < 0 || !object.startsWith("Ingress/")) {
                continue;
            }
            propagateEvent(new ResourceID(object.substring(second + 1), object.substring(first + 1, second)));
        }
    }
}
