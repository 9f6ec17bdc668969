package dev.breakwater.operator.publish;

import java.util.HashSet;
import java.util.Set;

/** Changes seen since the last compilation: whether anything but EndpointSlices changed, and whose slices did. */
final class PendingChanges {

    /** One drained batch. */
    record Batch(boolean full, Set<String> endpointServices) {

        boolean isEmpty() {
            return !full && endpointServices.isEmpty();
        }
    }

    private boolean full;
    private final Set<String> endpointServices = new HashSet<>();

    synchronized void everything() {
        full = true;
    }

    synchronized void endpointSlices(String serviceKey) {
        endpointServices.add(serviceKey);
    }

    synchronized Batch drain() {
        Batch batch = new Batch(full, Set.copyOf(endpointServices));
        full = false;
        endpointServices.clear();
        return batch;
    }
}
