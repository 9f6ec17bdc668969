package dev.breakwater.operator.e2e;

import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/**
 * Where the end-to-end scenarios run: a Kubernetes API server reachable from this machine, and an admin
 * client for the test itself. The operator never runs as that admin: it gets a kubeconfig with a token of its
 * ServiceAccount ({@link #serviceAccountKubeconfig}), so it has exactly the RBAC the test granted.
 */
public interface E2ECluster extends AutoCloseable {

    /** For the report: {@code kube-apiserver v1.34.4 on 127.0.0.1}. */
    String description();

    /** The admin's client configuration (cluster-admin or system:masters). */
    Config adminConfig();

    /** A new client acting as the admin. */
    default KubernetesClient adminClient() {
        Config config = adminConfig();
        config.setRequestTimeout(30_000);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /**
     * A kubeconfig file at {@code file} for ServiceAccount {@code namespace/name}: the API server and its CA from
     * the admin's configuration, and a bearer token of the ServiceAccount made by the TokenRequest API (valid for
     * {@code seconds}), as a pod's projected token would be.
     */
    default Path serviceAccountKubeconfig(KubernetesClient admin, String namespace, String name, long seconds,
                                          Path file) throws IOException {
        TokenRequest request = new TokenRequestBuilder().withNewSpec().withExpirationSeconds(seconds).endSpec()
                .build();
        String token = admin.serviceAccounts().inNamespace(namespace).withName(name).tokenRequest(request)
                .getStatus().getToken();
        Config config = adminConfig();
        String ca = config.getCaCertData();
        if (ca == null && config.getCaCertFile() != null) {
            ca = Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(config.getCaCertFile())));
        }
        String cluster = ca != null ? "    certificate-authority-data: " + ca + "\n" : "    insecure-skip-tls-verify: true\n";
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: e2e
                  cluster:
                    server: %s
                %s\
                users:
                - name: %s
                  user:
                    token: %s
                contexts:
                - name: e2e
                  context: {cluster: e2e, user: %s, namespace: %s}
                current-context: e2e
                """.formatted(config.getMasterUrl(), cluster, name, token, name, namespace);
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Override
    void close() throws Exception;
}
