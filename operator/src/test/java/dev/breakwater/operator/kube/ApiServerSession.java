package dev.breakwater.operator.kube;

import dev.breakwater.operator.publish.TablePublisher;
import dev.breakwater.operator.run.RunMode;
import dev.breakwater.operator.run.RunOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test class's side of the real kube-apiserver ({@link KubeApiServer}): an admin client that applies the test's
 * objects, the chart's RBAC for the operator ({@link ShippedRbac}), and the in-cluster operator started as the
 * chart's ServiceAccount with the options every such test shares (a short Lease of its own, health on an
 * ephemeral port, no resync).
 */
final class ApiServerSession implements AutoCloseable {

    static final String OPERATOR_NAMESPACE = OperatorAgainstApiServerTest.OPERATOR_NAMESPACE;

    final KubeApiServer.Server server;
    final KubernetesClient admin;

    private ApiServerSession(KubeApiServer.Server server) {
        this.server = server;
        this.admin = server.adminClient();
    }

    /** An admin session; the chart's ServiceAccount and RBAC applied. */
    static ApiServerSession withShippedRbac(KubeApiServer.Server server) throws IOException {
        ApiServerSession session = new ApiServerSession(server);
        ShippedRbac.apply(session.admin, OPERATOR_NAMESPACE);
        return session;
    }

    /** Server-side applies {@code object} as the field manager {@code test}, taking fields from any other. */
    <T extends HasMetadata> T apply(T object) {
        return admin.resource(object).fieldManager("test").forceConflicts().serverSideApply();
    }

    /**
     * Installs the upstream standard-channel Gateway API CRDs named (plural names, {@code httproutes}) from the
     * folder {@code tools/gateway-api-crds.sh} prints (it fetches the module when missing), and waits until each is
     * {@code Established}.
     */
    void installGatewayApiCrds(List<String> plurals) throws IOException, InterruptedException {
        Path dir = gatewayApiCrdFolder();
        for (String crd : plurals) {
            try (InputStream in = Files.newInputStream(dir.resolve("gateway.networking.k8s.io_" + crd + ".yaml"))) {
                admin.load(in).forceConflicts().serverSideApply();
            }
            OperatorAgainstApiServerTest.await("CRD " + crd + " established", () -> {
                CustomResourceDefinition d = admin.apiextensions().v1().customResourceDefinitions()
                        .withName(crd + ".gateway.networking.k8s.io").get();
                return d != null && d.getStatus() != null && d.getStatus().getConditions() != null
                        && d.getStatus().getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
            });
        }
    }

    private static Path gatewayApiCrdFolder() throws IOException, InterruptedException {
        Path script = ShippedRbac.projectRoot().resolve("tools/gateway-api-crds.sh");
        Process p = new ProcessBuilder(script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("tools/gateway-api-crds.sh did not finish in 300 s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("tools/gateway-api-crds.sh exited with " + p.exitValue());
        }
        return Path.of(out);
    }

    /** Creates each namespace (they must not exist). */
    void createNamespaces(String... names) {
        for (String name : names) {
            admin.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        }
    }

    /**
     * Starts the operator as the chart's ServiceAccount, publishing to {@code tables}, with {@code options} after
     * the shared ones; {@code identity} names it and its Lease ({@code lease-identity}).
     */
    Operator operator(String identity, TablePublisher tables, String... options) {
        List<String> args = new ArrayList<>(List.of("--namespace", OPERATOR_NAMESPACE, "--lease-name",
                "lease-" + identity, "--identity", identity, "--lease-duration", "4s", "--renew-deadline", "3s",
                "--retry-period", "500ms", "--health-bind", "127.0.0.1", "--health-port", "0", "--resync", "0"));
        args.addAll(List.of(options));
        KubernetesClient client = server.serviceAccountClient(OPERATOR_NAMESPACE, "breakwater-operator", null);
        try {
            return new Operator(client, RunMode.start(RunOptions.parse(args, k -> null), client, tables, true));
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    @Override
    public void close() {
        admin.close();
    }

    /** A running operator and its client; closing stops the operator, then closes the client. */
    record Operator(KubernetesClient client, RunMode run) implements AutoCloseable {
        @Override
        public void close() {
            try {
                run.close();
            } finally {
                client.close();
            }
        }
    }
}
