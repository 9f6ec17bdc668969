package dev.breakwater.operator.cluster;

import dev.breakwater.operator.crd.Route;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.List;

/**
 * Every watched Kubernetes object at one moment: the whole input of the compiler.
 *
 * <p>The lists are unmodifiable copies; the fabric8 objects inside are shared, so whoever builds a
 * snapshot must not change them afterwards. List order carries no meaning: the compiler gives the
 * same result for any order.
 *
 * @param ingresses      Ingresses ({@code networking.k8s.io/v1}) of every namespace and class
 * @param ingressClasses IngressClasses of every controller
 * @param services       Services of every namespace
 * @param endpointSlices EndpointSlices ({@code discovery.k8s.io/v1}) of every namespace
 * @param secrets        Secrets (TLS certificates, CA bundles) of every namespace
 * @param routes         Routes ({@code breakwater.dev/v1alpha1}) of every namespace
 * @param configMaps     ConfigMaps; the compiler reads only those its options name (ingress-nginx's TCP and UDP
 *                       services)
 * @param gatewayApi     GatewayClasses, Gateways, HTTPRoutes, ReferenceGrants and the Namespaces they read
 */
public record ClusterSnapshot(List<Ingress> ingresses, List<IngressClass> ingressClasses, List<Service> services,
                              List<EndpointSlice> endpointSlices, List<Secret> secrets, List<Route> routes,
                              List<ConfigMap> configMaps, GatewayApiObjects gatewayApi) {

    public ClusterSnapshot {
        ingresses = copy(ingresses);
        ingressClasses = copy(ingressClasses);
        services = copy(services);
        endpointSlices = copy(endpointSlices);
        secrets = copy(secrets);
        routes = copy(routes);
        configMaps = copy(configMaps);
        gatewayApi = gatewayApi == null ? GatewayApiObjects.NONE : gatewayApi;
    }

    /** A snapshot without Gateway API objects. */
    public ClusterSnapshot(List<Ingress> ingresses, List<IngressClass> ingressClasses, List<Service> services,
                           List<EndpointSlice> endpointSlices, List<Secret> secrets, List<Route> routes,
                           List<ConfigMap> configMaps) {
        this(ingresses, ingressClasses, services, endpointSlices, secrets, routes, configMaps, GatewayApiObjects.NONE);
    }

    /** The same snapshot with these Gateway API objects instead of its own. */
    public ClusterSnapshot withGatewayApi(GatewayApiObjects objects) {
        return new ClusterSnapshot(ingresses, ingressClasses, services, endpointSlices, secrets, routes, configMaps,
                objects);
    }

    /** A snapshot without ConfigMaps. */
    public ClusterSnapshot(List<Ingress> ingresses, List<IngressClass> ingressClasses, List<Service> services,
                           List<EndpointSlice> endpointSlices, List<Secret> secrets, List<Route> routes) {
        this(ingresses, ingressClasses, services, endpointSlices, secrets, routes, List.of());
    }

    /** The same snapshot with these ConfigMaps instead of its own. */
    public ClusterSnapshot withConfigMaps(List<ConfigMap> newConfigMaps) {
        return new ClusterSnapshot(ingresses, ingressClasses, services, endpointSlices, secrets, routes,
                newConfigMaps, gatewayApi);
    }

    /** A snapshot without Routes. */
    public ClusterSnapshot(List<Ingress> ingresses, List<IngressClass> ingressClasses, List<Service> services,
                           List<EndpointSlice> endpointSlices, List<Secret> secrets) {
        this(ingresses, ingressClasses, services, endpointSlices, secrets, List.of());
    }

    /** A snapshot without any object. */
    public static ClusterSnapshot empty() {
        return new ClusterSnapshot(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** The same snapshot with these Routes instead of its own. */
    public ClusterSnapshot withRoutes(List<Route> newRoutes) {
        return new ClusterSnapshot(ingresses, ingressClasses, services, endpointSlices, secrets, newRoutes, configMaps,
                gatewayApi);
    }

    private static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
