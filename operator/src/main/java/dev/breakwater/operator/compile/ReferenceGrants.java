package dev.breakwater.operator.compile;

import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrantFrom;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrantTo;
import java.util.List;
import java.util.Objects;

/**
 * Which references across namespaces the ReferenceGrants permit: a reference from an object of {@code group/kind} in
 * one namespace to an object of {@code group/kind} (and name) in another is permitted only by a ReferenceGrant in
 * the namespace referred to whose {@code from} names the referring group, kind and namespace and whose {@code to}
 * names the referred group and kind, and the name or no name. The core group is {@code ""}.
 */
final class ReferenceGrants {

    static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

    private final List<ReferenceGrant> grants;

    ReferenceGrants(List<ReferenceGrant> grants) {
        this.grants = List.copyOf(grants);
    }

    /** True when a reference from {@code fromKind} in {@code fromNamespace} to {@code toKind} {@code toNamespace/toName} is allowed. */
    boolean permits(String fromGroup, String fromKind, String fromNamespace, String toGroup, String toKind,
                    String toNamespace, String toName) {
        if (fromNamespace.equals(toNamespace)) {
            return true;
        }
        for (ReferenceGrant grant : grants) {
            if (grant.getMetadata() == null || !toNamespace.equals(Compiler.namespace(grant)) || grant.getSpec() == null
                    || grant.getSpec().getFrom() == null || grant.getSpec().getTo() == null) {
                continue;
            }
            boolean from = false;
            for (ReferenceGrantFrom f : grant.getSpec().getFrom()) {
                from |= f != null && same(f.getGroup(), fromGroup) && Objects.equals(f.getKind(), fromKind)
                        && Objects.equals(f.getNamespace(), fromNamespace);
            }
            if (!from) {
                continue;
            }
            for (ReferenceGrantTo t : grant.getSpec().getTo()) {
                if (t != null && same(t.getGroup(), toGroup) && Objects.equals(t.getKind(), toKind)
                        && (t.getName() == null || t.getName().isEmpty() || t.getName().equals(toName))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Groups compared with null as the core group {@code ""}. */
    private static boolean same(String a, String b) {
        return (a == null ? "" : a).equals(b == null ? "" : b);
    }
}
