package dev.breakwater.operator.status;

import dev.breakwater.operator.compile.Compilation;

/**
 * Writes the status of Breakwater {@code Route} objects: the seam where the Route CRD's status lands once Routes
 * exist (branch route-crd). Called on the leader only, after every full compilation, like the Ingress status.
 *
 * <p>To complete: {@code Accepted} and {@code ResolvedRefs} come from the Compilation's per-Route facts, with
 * {@code observedGeneration}; {@code Programmed} becomes true once {@code TablePublisher.allAcked(version)}
 * holds for the version that carries the Route ({@link #acked}). Write with server-side apply of the status
 * subresource, only when a condition changes (compare with the informer's copy), as the Ingress status does.
 */
public interface RouteStatusWriter {

    /** Writes nothing (until Routes exist). */
    RouteStatusWriter NONE = (compilation, version) -> { };

    /** A full compilation on the leader, served by table {@code version}. */
    void compiled(Compilation compilation, long version);

    /** Every connected data plane has applied {@code version} or later. */
    default void acked(long version) {
    }
}
