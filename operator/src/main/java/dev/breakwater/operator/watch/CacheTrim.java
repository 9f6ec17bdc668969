package dev.breakwater.operator.watch;

import dev.breakwater.routing.BasicAuth;
import dev.breakwater.operator.annotation.HeaderConfigMaps;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the informer caches keep of objects read only in part: the fields the operator reads, nothing else, so
 * that memory holds neither other keys of Secrets nor the bulk of Nodes and Pods.
 */
final class CacheTrim {

    private static final Set<String> TLS_KEYS = Set.of("tls.crt", "tls.key", "ca.crt");
    private static final Set<String> OPAQUE_KEYS = Set.of("ca.crt", "auth");

    private CacheTrim() {
    }

    /** A {@code kubernetes.io/tls} Secret: its certificate, key and CA bundle. */
    static Secret tls(Secret secret) {
        return secret(secret, TLS_KEYS);
    }

    /**
     * An {@code Opaque} Secret: its {@code ca.crt}, its {@code auth} (htpasswd lines), and the keys whose value is a
     * password hash (an {@code auth-map} of Basic authentication users); nothing else.
     */
    static Secret opaque(Secret secret) {
        return secret(secret, OPAQUE_KEYS, true);
    }

    private static Secret secret(Secret secret, Set<String> keys) {
        return secret(secret, keys, false);
    }

    private static boolean passwordHash(String base64) {
        try {
            String v = new String(java.util.Base64.getMimeDecoder().decode(base64),
                    java.nio.charset.StandardCharsets.UTF_8).trim();
            return BasicAuth.scheme(v) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Secret secret(Secret secret, Set<String> keys, boolean hashes) {
        Secret out = new Secret();
        out.setApiVersion(secret.getApiVersion());
        out.setKind(secret.getKind());
        out.setMetadata(meta(secret.getMetadata()));
        out.setType(secret.getType());
        if (secret.getData() != null) {
            Map<String, String> data = new TreeMap<>();
            secret.getData().forEach((k, v) -> {
                if (keys.contains(k) || hashes && v != null && passwordHash(v)) {
                    data.put(k, v);
                }
            });
            out.setData(data);
        }
        return out;
    }

    static boolean sameContent(Secret a, Secret b) {
        return Objects.equals(a.getType(), b.getType()) && Objects.equals(a.getData(), b.getData());
    }

    /**
     * A ConfigMap that may be a map of headers ({@code custom-headers} and the like): its {@code data} with each
     * value that cannot be a header (more than one line, very long) replaced by a short stand-in the compiler refuses
     * with the same warning ({@link HeaderConfigMaps#trimmedValue}); no {@code binaryData}, labels or annotations. So
     * the ConfigMaps of a namespace cost their keys and short values, whatever else they hold.
     */
    static ConfigMap headers(ConfigMap map) {
        ConfigMap out = new ConfigMap();
        out.setApiVersion(map.getApiVersion());
        out.setKind(map.getKind());
        ObjectMeta meta = meta(map.getMetadata());
        meta.setLabels(null);
        out.setMetadata(meta);
        if (map.getData() != null) {
            Map<String, String> data = new TreeMap<>();
            map.getData().forEach((k, v) -> data.put(k, HeaderConfigMaps.trimmedValue(v)));
            out.setData(data);
        }
        return out;
    }

    /**
     * A ConfigMap that a BackendTLSPolicy may name as CA certificates: its {@code ca.crt} only (no other key, no
     * labels or annotations), so that every ConfigMap of a namespace costs its name and, at most, one CA bundle.
     */
    static ConfigMap caCertificate(ConfigMap map) {
        ConfigMap out = new ConfigMap();
        out.setApiVersion(map.getApiVersion());
        out.setKind(map.getKind());
        ObjectMeta meta = meta(map.getMetadata());
        meta.setLabels(null);
        out.setMetadata(meta);
        if (map.getData() != null && map.getData().containsKey("ca.crt")) {
            Map<String, String> data = new TreeMap<>();
            data.put("ca.crt", map.getData().get("ca.crt"));
            out.setData(data);
        }
        return out;
    }

    /** A Pod: where it runs and whether it finished. */
    static Pod pod(Pod pod) {
        Pod out = new Pod();
        out.setApiVersion(pod.getApiVersion());
        out.setKind(pod.getKind());
        ObjectMeta meta = meta(pod.getMetadata());
        meta.setDeletionTimestamp(pod.getMetadata().getDeletionTimestamp());
        out.setMetadata(meta);
        PodSpec spec = new PodSpec();
        spec.setNodeName(pod.getSpec() == null ? null : pod.getSpec().getNodeName());
        out.setSpec(spec);
        PodStatus status = new PodStatus();
        status.setPhase(pod.getStatus() == null ? null : pod.getStatus().getPhase());
        out.setStatus(status);
        return out;
    }

    /** A Node: its addresses. */
    static Node node(Node node) {
        Node out = new Node();
        out.setApiVersion(node.getApiVersion());
        out.setKind(node.getKind());
        out.setMetadata(meta(node.getMetadata()));
        NodeStatus status = new NodeStatus();
        status.setAddresses(node.getStatus() == null ? null : node.getStatus().getAddresses());
        out.setStatus(status);
        return out;
    }

    private static ObjectMeta meta(ObjectMeta in) {
        ObjectMeta meta = new ObjectMeta();
        meta.setName(in.getName());
        meta.setNamespace(in.getNamespace());
        meta.setUid(in.getUid());
        meta.setResourceVersion(in.getResourceVersion());
        meta.setCreationTimestamp(in.getCreationTimestamp());
        meta.setLabels(in.getLabels());
        return meta;
    }
}
