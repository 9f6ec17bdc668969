package dev.breakwater.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.Main;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.migrate.MigrateCommand;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code breakwater migrate --from-cluster} against a real kube-apiserver, through its kubeconfig: the Ingresses of
 * every namespace and the controller ConfigMap are read and reported, and the exit status says that behaviour would
 * change.
 */
@ExtendWith(KubeApiServer.class)
class MigrateFromClusterAgainstApiServerTest {

    static KubeApiServer.Server server;
    static KubernetesClient admin;

    @BeforeAll
    static void cluster(KubeApiServer.Server started) {
        server = started;
        admin = server.adminClient();
    }

    @AfterAll
    static void closeAdmin() {
        if (admin != null) {
            admin.close();
        }
    }

    private static <T extends HasMetadata> void apply(T object) {
        admin.resource(object).fieldManager("test").forceConflicts().serverSideApply();
    }

    @Test
    void theClustersIngressesAndControllerConfigMapAreReported() {
        String ns = "m-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        String config = ns + "-nginx";
        for (String name : new String[] {ns, config}) {
            admin.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        }
        apply(Fixtures.service(ns, "shop").port("http", 80, 8080).build());
        apply(Fixtures.endpointSlice(ns, "shop-1", "shop").port("http", 8080).endpoint("10.4.0.1").build());
        apply(Fixtures.ingress(ns, "shop").host("shop.example.com").prefix("/", "shop", 80)
                .annotation("kubernetes.io/ingress.class", "nginx")
                .annotation("nginx.ingress.kubernetes.io/proxy-read-timeout", "90")
                .annotation("nginx.ingress.kubernetes.io/server-snippet", "return 404;").build());
        apply(new ConfigMapBuilder().withNewMetadata().withName("ingress-nginx-controller").withNamespace(config)
                .endMetadata().withData(Map.of("proxy-body-size", "10m", "use-geoip2", "true")).build());

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("migrate", "--from-cluster", "--kubeconfig", server.kubeconfig().toString(), "--configmap",
                        config + "/ingress-nginx-controller");

        assertThat(status).as(out + "\n" + err).isEqualTo(MigrateCommand.CHANGES);
        assertThat(out.toString().lines()).containsSubsequence(
                "Ingress/" + ns + "/shop",
                "  kubernetes.io/ingress.class: \"nginx\"  served as is",
                "  nginx.ingress.kubernetes.io/proxy-read-timeout: \"90\"  served as is",
                "  nginx.ingress.kubernetes.io/server-snippet: \"return 404;\"  not supported: snippets are refused "
                        + "(a warning)",
                "ConfigMap/" + config + "/ingress-nginx-controller",
                "  proxy-body-size: \"10m\"  served as is: the default of every Ingress's `proxy-body-size` annotation",
                "  use-geoip2: \"true\"  not supported: ignored, with a warning");
        assertThat(out.toString()).as("the Service and its endpoints were read: no error about them")
                .doesNotContain("Service " + ns + "/shop");
    }
}
