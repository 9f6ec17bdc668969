package dev.breakwater.operator.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the informer caches keep: only what the operator reads. */
class CacheTrimTest {

    private static Secret secret(String type, Map<String, String> data) {
        return new SecretBuilder().withNewMetadata().withName("s").withNamespace("ns").withResourceVersion("7")
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"data\":{\"password\":\"...\"}}")
                .endMetadata().withType(type).withData(data).build();
    }

    @Test
    void tlsSecretsKeepTheirCertificateKeyAndCaOnly() {
        Secret trimmed = CacheTrim.tls(secret("kubernetes.io/tls",
                Map.of("tls.crt", "Y3J0", "tls.key", "a2V5", "ca.crt", "Y2E=", "extra", "eA==")));
        assertThat(trimmed.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
        assertThat(trimmed.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(trimmed.getMetadata().getName()).isEqualTo("s");
        assertThat(trimmed.getMetadata().getResourceVersion()).isEqualTo("7");
        assertThat(trimmed.getType()).isEqualTo("kubernetes.io/tls");
    }

    @Test
    void opaqueSecretsKeepTheirCaBundleOnly() {
        Secret trimmed = CacheTrim.opaque(secret("Opaque", Map.of("ca.crt", "Y2E=", "password", "aHVudGVyMg==")));
        assertThat(trimmed.getData()).containsOnlyKeys("ca.crt");
        assertThat(trimmed.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(CacheTrim.sameContent(trimmed, CacheTrim.opaque(secret("Opaque",
                Map.of("ca.crt", "Y2E=", "password", "Y2hhbmdlZA=="))))).isTrue();
        assertThat(CacheTrim.sameContent(trimmed, CacheTrim.opaque(secret("Opaque", Map.of("ca.crt", "bmV3"))))).isFalse();
    }

    @Test
    void opaqueSecretsKeepTheirHtpasswdLinesAndTheKeysOfAnAuthMap() {
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        String bcrypt = b64.encodeToString("$2y$05$Mj6TD1pU43Vn2hqEvoRlkuJCuFEfuBkRPnURj22HtkufiTIO9C/sC\n".getBytes());
        String apr1 = b64.encodeToString("$apr1$1DzS2PeR$NoIk3AygDgB2WvdtFVEqX/".getBytes());
        Secret trimmed = CacheTrim.opaque(secret("Opaque", Map.of("auth", "YWxpY2U6eA==", "alice", bcrypt,
                "bob", apr1, "password", "aHVudGVyMg==", "broken", "!!!")));

        assertThat(trimmed.getData()).containsOnlyKeys("auth", "alice", "bob");
    }

    @Test
    void podsAndNodesKeepWhereTheyRunAndTheirAddresses() {
        var pod = CacheTrim.pod(new PodBuilder().withNewMetadata().withName("dp-1").withNamespace("bw")
                .addToLabels("app", "dataplane").endMetadata().withNewSpec().withNodeName("n1")
                .addNewContainer().withName("proxy").withImage("img").endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP("10.0.0.9").endStatus().build());
        assertThat(pod.getSpec().getNodeName()).isEqualTo("n1");
        assertThat(pod.getSpec().getContainers()).isEmpty();
        assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
        assertThat(pod.getStatus().getPodIP()).isNull();
        var node = CacheTrim.node(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().withNewStatus()
                .withAddresses(new NodeAddress("10.0.0.1", "InternalIP")).addNewImage().withNames("big/image")
                .endImage().endStatus().build());
        assertThat(node.getStatus().getAddresses()).hasSize(1);
        assertThat(node.getStatus().getImages()).isEmpty();
    }

    @Test
    void configMapsKeepTheirKeysAndOneLineValuesOnly() {
        ConfigMap map = new ConfigMapBuilder().withNewMetadata().withName("headers").withNamespace("shop")
                .addToLabels("app", "x").addToAnnotations("note", "y").endMetadata()
                .withData(Map.of("X-Frame-Options", "DENY", "script.sh", "#!/bin/sh\necho hi\n",
                        "long", "v".repeat(10_000), "trailing", "kept\n"))
                .addToBinaryData("blob", "AAAA").build();
        ConfigMap trimmed = CacheTrim.headers(map);

        assertThat(trimmed.getMetadata().getLabels()).isNullOrEmpty();
        assertThat(trimmed.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(trimmed.getBinaryData()).isNullOrEmpty();
        assertThat(trimmed.getData()).containsEntry("X-Frame-Options", "DENY").containsEntry("trailing", "kept\n")
                .containsEntry("script.sh", "-\n-");
        assertThat(trimmed.getData().get("long")).hasSize(4097);
        assertThat(CacheTrim.headers(trimmed).getData()).isEqualTo(trimmed.getData());
    }
}
