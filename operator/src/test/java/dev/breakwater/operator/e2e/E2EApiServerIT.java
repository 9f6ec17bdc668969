package dev.breakwater.operator.e2e;

import dev.breakwater.operator.kube.KubeApiServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The end-to-end scenarios on a real kube-apiserver v1.34 and etcd on 127.0.0.1 (built by
 * {@code tools/kube-binaries.sh}; skipped, saying why, without them).
 */
@ExtendWith(KubeApiServer.class)
class E2EApiServerIT extends E2EScenarios {

    @BeforeAll
    void cluster(KubeApiServer.Server server) throws Exception {
        start(new ApiServerCluster(server));
    }
}
