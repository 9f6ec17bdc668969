package dev.breakwater.operator.migrate;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads what the migration report needs from a cluster, once (fabric8, the kubeconfig's credentials): every
 * Ingress, IngressClass, Service and EndpointSlice, the Secrets the Ingresses name (their {@code spec.tls} and
 * {@code *-secret} annotations; one by one, so that the report never lists every Secret of the cluster), and the
 * controller ConfigMap. A Secret or ConfigMap it may not read or that does not exist is left out (the report says
 * what that changes).
 */
final class ClusterReader {

    private ClusterReader() {
    }

    static ClusterSnapshot read(Path kubeconfig, String configMap) throws IOException {
        Config config = kubeconfig == null ? Config.autoConfigure(null)
                : Config.fromKubeconfig(Files.readString(kubeconfig));
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            List<Ingress> ingresses = client.network().v1().ingresses().inAnyNamespace().list().getItems();
            List<Secret> secrets = new ArrayList<>();
            for (String ref : secretRefs(ingresses)) {
                Secret s = getOrNull(() -> client.secrets().inNamespace(namespace(ref)).withName(name(ref)).get());
                if (s != null) {
                    secrets.add(s);
                }
            }
            ConfigMap map = getOrNull(() -> client.configMaps().inNamespace(namespace(configMap))
                    .withName(name(configMap)).get());
            return new ClusterSnapshot(ingresses,
                    client.network().v1().ingressClasses().list().getItems(),
                    client.services().inAnyNamespace().list().getItems(),
                    client.discovery().v1().endpointSlices().inAnyNamespace().list().getItems(),
                    secrets, List.of(), map == null ? List.of() : List.of(map));
        }
    }

    private interface Get<T> {
        T get();
    }

    private static <T> T getOrNull(Get<T> get) {
        try {
            return get.get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403 || e.getCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** The Secrets the Ingresses name, as namespace/name. */
    static TreeSet<String> secretRefs(List<Ingress> ingresses) {
        TreeSet<String> refs = new TreeSet<>();
        for (Ingress i : ingresses) {
            String ns = i.getMetadata().getNamespace() == null ? "default" : i.getMetadata().getNamespace();
            if (i.getSpec() != null && i.getSpec().getTls() != null) {
                for (IngressTLS tls : i.getSpec().getTls()) {
                    if (tls.getSecretName() != null && !tls.getSecretName().isBlank()) {
                        refs.add(ns + "/" + tls.getSecretName());
                    }
                }
            }
            Map<String, String> annotations = i.getMetadata().getAnnotations();
            if (annotations != null) {
                annotations.forEach((k, v) -> {
                    if (k.endsWith("-secret") && v != null && !v.isBlank()) {
                        refs.add(v.contains("/") ? v.trim() : ns + "/" + v.trim());
                    }
                });
            }
        }
        return refs;
    }

    private static String namespace(String ref) {
        return ref.substring(0, ref.indexOf('/'));
    }

    private static String name(String ref) {
        return ref.substring(ref.indexOf('/') + 1);
    }
}
