package dev.breakwater.operator.e2e;

import dev.breakwater.operator.kube.KubeApiServer;
import io.fabric8.kubernetes.client.Config;

/**
 * A real etcd and kube-apiserver v1.34 on 127.0.0.1 ({@code tools/kube-apiserver-local.sh}, through the
 * {@link KubeApiServer} extension, which also stops it when the test run ends). No controllers run.
 */
final class ApiServerCluster implements E2ECluster {

    private final KubeApiServer.Server server;

    ApiServerCluster(KubeApiServer.Server server) {
        this.server = server;
    }

    @Override
    public String description() {
        return "kube-apiserver " + KubeApiServer.VERSION + " + etcd at " + server.url();
    }

    @Override
    public Config adminConfig() {
        return server.config();
    }

    @Override
    public void close() {
        // the extension stops the server at the end of the run (other classes may share it)
    }
}
