package dev.breakwater.operator.e2e;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * The same end-to-end scenarios on k3s in a container (Testcontainers), when a Docker engine is reachable; skipped,
 * saying so, when not. The operator and the data plane still run as processes on this machine against the
 * container's API server (no image is built here), and backends stay on 127.0.0.1: k3s brings a whole
 * distribution's API server, admission and controllers (which leave the test's selector-less Services and their
 * EndpointSlices alone).
 */
@ExtendWith(E2EK3sIT.DockerAvailable.class)
class E2EK3sIT extends E2EScenarios {

    @BeforeAll
    @Timeout(value = 15, unit = TimeUnit.MINUTES) // the first run pulls the k3s image
    void cluster() throws Exception {
        start(new K3sCluster());
    }

    /** Runs the class only where Testcontainers finds a Docker engine. */
    static final class DockerAvailable implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            boolean available;
            try {
                available = DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                available = false;
            }
            if (available) {
                return ConditionEvaluationResult.enabled("a Docker engine is available for k3s");
            }
            String why = "SKIPPED: no Docker engine reachable (DockerClientFactory.isDockerAvailable() is false), so no "
                    + "k3s container; the same scenarios ran against a local kube-apiserver in E2EApiServerIT";
            if (context.getTestMethod().isEmpty()) {
                System.err.println(context.getDisplayName() + ": " + why);
            }
            return ConditionEvaluationResult.disabled(why);
        }
    }
}
