package dev.breakwater.operator.compile;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.fixture.Fixtures;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.List;

/** Builds snapshots for compiler tests: Ingresses and Routes, plus Services with one endpoint each. */
final class Snapshots {

    private final List<Ingress> ingresses = new ArrayList<>();
    private final List<Service> services = new ArrayList<>();
    private final List<EndpointSlice> slices = new ArrayList<>();
    private final List<io.fabric8.kubernetes.api.model.Secret> secrets = new ArrayList<>();
    private final List<dev.breakwater.operator.crd.Route> routes = new ArrayList<>();
    private final List<io.fabric8.kubernetes.api.model.networking.v1.IngressClass> classes = new ArrayList<>();
    private dev.breakwater.operator.cluster.GatewayApiObjects gatewayApi =
            dev.breakwater.operator.cluster.GatewayApiObjects.NONE;

    /** An empty snapshot. */
    static Snapshots empty() {
        return new Snapshots();
    }

    static Snapshots with(Ingress... ingresses) {
        Snapshots snapshots = new Snapshots();
        snapshots.ingresses.addAll(List.of(ingresses));
        return snapshots;
    }

    /** Service {@code ns/name} with port 80 named "http" (target 8080) and one endpoint {@code address}. */
    Snapshots service(String namespace, String name, String address) {
        services.add(Fixtures.service(namespace, name).port("http", 80, 8080).build());
        slices.add(Fixtures.endpointSlice(namespace, name + "-a1", name).port("http", 8080).endpoint(address).build());
        return this;
    }

    static Snapshots with(dev.breakwater.operator.crd.Route... routes) {
        Snapshots snapshots = new Snapshots();
        snapshots.routes.addAll(List.of(routes));
        return snapshots;
    }

    Snapshots add(Ingress ingress) {
        ingresses.add(ingress);
        return this;
    }

    Snapshots add(dev.breakwater.operator.crd.Route route) {
        routes.add(route);
        return this;
    }

    Snapshots add(Service service) {
        services.add(service);
        return this;
    }

    Snapshots add(EndpointSlice slice) {
        slices.add(slice);
        return this;
    }

    Snapshots add(io.fabric8.kubernetes.api.model.networking.v1.IngressClass ingressClass) {
        classes.add(ingressClass);
        return this;
    }

    /** A Secret of {@code type} with the given string data. */
    Snapshots secret(String namespace, String name, String type, String... keyValues) {
        io.fabric8.kubernetes.api.model.SecretBuilder b = new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata().withType(type);
        for (int i = 0; i < keyValues.length; i += 2) {
            b.addToStringData(keyValues[i], keyValues[i + 1]);
        }
        secrets.add(b.build());
        return this;
    }

    /** Gateway API objects (and Namespaces) read from YAML documents separated by {@code ---}. */
    Snapshots gatewayApi(String yaml) {
        gatewayApi = GatewayApiYaml.read(gatewayApi, yaml);
        return this;
    }

    ClusterSnapshot build() {
        return new ClusterSnapshot(ingresses, classes, services, slices, secrets, routes, List.of(), gatewayApi);
    }

    Compilation compile() {
        return compile(CompilerOptions.local());
    }

    Compilation compile(CompilerOptions options) {
        return Compiler.compile(build(), options);
    }
}
