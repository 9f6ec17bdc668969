package dev.breakwater.operator.e2e;

import io.fabric8.kubernetes.client.Config;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A k3s cluster in a container (Testcontainers). Its API server is published on a port of this machine; the
 * operator and data plane still run here as processes (images cannot be built on the machines this project is
 * developed on), against that API server, and the EndpointSlices still point at backends on 127.0.0.1: what
 * k3s adds is a whole Kubernetes distribution's API server, admission and controllers, not a place to run pods.
 */
final class K3sCluster implements E2ECluster {

    /** The image, overridable with {@code -Dbreakwater.e2e.k3s-image=...}. */
    static final String IMAGE = System.getProperty("breakwater.e2e.k3s-image", "rancher/k3s:v1.34.4-k3s1");

    private final K3sContainer container;
    private final String kubeconfig;

    K3sCluster() {
        container = new K3sContainer(DockerImageName.parse(IMAGE).asCompatibleSubstituteFor("rancher/k3s"));
        container.start();
        kubeconfig = container.getKubeConfigYaml();
    }

    @Override
    public String description() {
        return "k3s " + IMAGE + " (container " + container.getContainerId().substring(0, 12) + ")";
    }

    @Override
    public Config adminConfig() {
        return Config.fromKubeconfig(kubeconfig);
    }

    @Override
    public boolean runsControllers() {
        return true;
    }

    @Override
    public void close() {
        container.stop();
    }
}
