package dev.breakwater.operator.kube;

import static dev.breakwater.operator.kube.OperatorAgainstApiServerTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.publish.RecordingPublisher;
import dev.breakwater.routing.Certificate;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator watching a list of namespaces ({@code --namespaces a,b,c}) keeps the trimmed caches (TLS and Opaque
 * Secrets, header ConfigMaps) of every one of them: each namespace has the same objects, all there before the
 * operator starts, and the first table holds all of them. With one item store shared by the namespaces' informers
 * the namespace that listed last deleted the others' objects from the cache (a flaky
 * HeaderConfigMapsAgainstApiServerTest in CI is how it showed), so here one namespace of three kept its certificate.
 */
@ExtendWith(KubeApiServer.class)
class MultiNamespaceCachesAgainstApiServerTest {

    static ApiServerSession api;

    @BeforeAll
    static void cluster(KubeApiServer.Server started) throws Exception {
        api = ApiServerSession.withShippedRbac(started);
    }

    @AfterAll
    static void close() {
        if (api != null) {
            api.close();
        }
    }

    private static String host(String namespace) {
        return namespace + ".example.com";
    }

    @Test
    void everyWatchedNamespaceKeepsItsSecretsAndHeaderConfigMaps() throws Exception {
        String run = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        List<String> namespaces = List.of("m-" + run + "-a", "m-" + run + "-b", "m-" + run + "-c");
        TestPki pki = TestPki.create("Multi-namespace test CA");
        Map<String, TestPki.Issued> issued = new java.util.HashMap<>();
        for (String ns : namespaces) {
            api.createNamespaces(ns);
            TestPki.Issued cert = pki.server(host(ns));
            issued.put(ns, cert);
            api.apply(Fixtures.service(ns, "web").port("http", 80, 8080).build());
            api.apply(Fixtures.endpointSlice(ns, "web-1", "web").port("http", 8080).endpoint("10.6.0.1").build());
            api.apply(new SecretBuilder().withNewMetadata().withName("web-tls").withNamespace(ns).endMetadata()
                    .withType("kubernetes.io/tls").addToStringData("tls.crt", cert.chainPem())
                    .addToStringData("tls.key", cert.keyPem()).build());
            api.apply(new SecretBuilder().withNewMetadata().withName("clients").withNamespace(ns).endMetadata()
                    .withType("Opaque").addToStringData("ca.crt", pki.caPem()).build());
            api.apply(new ConfigMapBuilder().withNewMetadata().withName("headers").withNamespace(ns).endMetadata()
                    .withData(Map.of("X-Namespace", ns)).build());
            api.apply(Fixtures.ingress(ns, "web").host(host(ns)).prefix("/", "web", 80).tls("web-tls", host(ns))
                    .annotation("kubernetes.io/ingress.class", "nginx")
                    .annotation("breakwater.dev/client-ca-secret", "clients")
                    .annotation("nginx.ingress.kubernetes.io/custom-headers", "headers").build());
        }

        RecordingPublisher tables = new RecordingPublisher();
        try (ApiServerSession.Operator operator = api.operator("op-multi-" + run, tables, "--namespaces",
                String.join(",", namespaces), "--also-serve-class", "nginx")) {

            RoutingTable first = await("the first table", tables::last);
            assertThat(first.certificates()).extracting(Certificate::name)
                    .containsExactlyInAnyOrderElementsOf(namespaces.stream().map(ns -> ns + "/web-tls").toList());
            for (String ns : namespaces) {
                Certificate certificate = first.certificates().stream()
                        .filter(c -> c.name().equals(ns + "/web-tls")).findFirst().orElseThrow();
                assertThat(certificate.certificateChain()).isEqualTo(issued.get(ns).chainPem());
                VirtualHost vhost = first.virtualHosts().stream().filter(v -> v.hostname().equals(host(ns)))
                        .findFirst().orElseThrow();
                assertThat(vhost.clientAuth()).as("%s's client CA from its Opaque Secret", ns).isNotNull();
                assertThat(vhost.clientAuth().caCertificates()).contains(pki.caPem().strip());
                Route route = TableLookup.find(first, host(ns), "/").orElseThrow();
                assertThat(route.filters()).as("%s's custom-headers", ns)
                        .filteredOn(f -> f instanceof RouteFilter.ResponseHeaderModifier)
                        .singleElement().satisfies(f -> assertThat(((RouteFilter.ResponseHeaderModifier) f).set())
                                .containsExactly(new RouteFilter.Header("X-Namespace", ns)));
            }
        }
    }
}
