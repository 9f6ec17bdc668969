package dev.breakwater.operator.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The operator's RBAC as the chart ships it ({@code deploy/} is generated from the chart), for the tests that run
 * the operator as its ServiceAccount on a real API server, plus a test-only supplement that widens the chart's
 * Lease and channel-EndpointSlice names to the per-test ones (it grants no new kind of access).
 */
public final class ShippedRbac {

    private ShippedRbac() {
    }

    /** The checkout's root: the first folder above the working directory that holds {@code deploy/}. */
    public static Path projectRoot() {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("deploy/kustomization.yaml"))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new IllegalStateException("deploy/kustomization.yaml not found above " + Path.of("").toAbsolutePath());
        }
        return root;
    }

    /** Creates the operator's namespace and applies its ServiceAccount, the chart's RBAC and the supplement. */
    public static void apply(KubernetesClient admin, String operatorNamespace) throws IOException {
        Path root = projectRoot();
        admin.resource(new NamespaceBuilder().withNewMetadata().withName(operatorNamespace).endMetadata().build())
                .forceConflicts().serverSideApply();
        for (Path file : List.of(root.resolve("deploy/serviceaccounts.yaml"), root.resolve("deploy/operator-rbac.yaml"),
                root.resolve("operator/src/test/resources/kube/rbac-test-supplement.yaml"))) {
            try (InputStream in = Files.newInputStream(file)) {
                admin.load(in).forceConflicts().serverSideApply();
            }
        }
    }
}
