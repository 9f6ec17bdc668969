package dev.breakwater.operator.publish;

/** What the watch reports: which watched objects changed (never the objects themselves; they are read later). */
public interface ChangeSink {

    /** An Ingress, IngressClass, Service or Secret changed in a way that may change the table. */
    void objectsChanged();

    /** An EndpointSlice of Service {@code namespace/name} was added, changed or deleted. */
    void endpointSlicesChanged(String serviceKey);
}
