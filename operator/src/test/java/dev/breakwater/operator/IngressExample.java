package dev.breakwater.operator;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.fixture.Fixtures;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One request against a set of Ingresses and the Service expected to serve it: a row shared by the
 * compiler tests (through {@link TableLookup}) and end-to-end tests (through a real proxy).
 *
 * <p>Every backend Service has one port {@value #SERVICE_PORT} named {@value #PORT_NAME}; {@link #snapshot}
 * adds these Services and an EndpointSlice for each. Compile rows with {@link CompilerOptions#local()}.
 *
 * @param source          where the row comes from (document or feature file)
 * @param description     what the row checks
 * @param ingresses       the Ingresses (namespace {@value #NAMESPACE})
 * @param ingressClasses  IngressClasses, empty when the row relies on the implicit default class
 * @param https           the request is sent over TLS (the routing is the same; end-to-end tests need a certificate)
 * @param host            the request's Host, may be empty
 * @param path            the request path
 * @param expectedService the Service that must answer, or null for 404
 * @param expectedUri     the request target the Service must see, or null for the path as sent
 * @param headers         request headers (name, value), besides Host
 * @param alsoServedClasses the IngressClass names the compiler also serves ({@code --also-serve-class})
 */
public record IngressExample(String source, String description, List<Ingress> ingresses,
                             List<IngressClass> ingressClasses, boolean https, String host, String path,
                             String expectedService, String expectedUri, Map<String, String> headers,
                             List<String> alsoServedClasses) {

    public static final String NAMESPACE = "default";
    public static final String PORT_NAME = "http";
    public static final int SERVICE_PORT = 8080;

    public IngressExample {
        ingresses = List.copyOf(ingresses);
        ingressClasses = List.copyOf(ingressClasses);
        headers = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(headers));
        alsoServedClasses = List.copyOf(alsoServedClasses);
    }

    public IngressExample(String source, String description, List<Ingress> ingresses,
                          List<IngressClass> ingressClasses, boolean https, String host, String path,
                          String expectedService, String expectedUri) {
        this(source, description, ingresses, ingressClasses, https, host, path, expectedService, expectedUri,
                Map.of(), List.of());
    }

    /** This row, its request sending these headers (name, value, ...). */
    public IngressExample withHeaders(String... nameValues) {
        Map<String, String> h = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            h.put(nameValues[i], nameValues[i + 1]);
        }
        return new IngressExample(source, description, ingresses, ingressClasses, https, host, path, expectedService,
                expectedUri, h, alsoServedClasses);
    }

    /** This row, compiled also serving these IngressClasses. */
    public IngressExample alsoServing(String... classNames) {
        return new IngressExample(source, description, ingresses, ingressClasses, https, host, path, expectedService,
                expectedUri, headers, List.of(classNames));
    }

    public IngressExample(String source, String description, List<Ingress> ingresses,
                          List<IngressClass> ingressClasses, boolean https, String host, String path,
                          String expectedService) {
        this(source, description, ingresses, ingressClasses, https, host, path, expectedService, null);
    }

    /** The request target the Service sees. */
    public String uriAtBackend() {
        return expectedUri != null ? expectedUri : path;
    }

    /** The options to compile this row with. */
    public CompilerOptions options() {
        return CompilerOptions.local().alsoServing(alsoServedClasses);
    }

    /** Every Service named by a backend of the row's Ingresses, sorted. */
    public Set<String> serviceNames() {
        Set<String> names = new TreeSet<>();
        for (Ingress ingress : ingresses) {
            addService(names, ingress.getSpec().getDefaultBackend());
            for (IngressRule rule : ingress.getSpec().getRules() == null ? List.<IngressRule>of()
                    : ingress.getSpec().getRules()) {
                if (rule.getHttp() != null) {
                    for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                        addService(names, path.getBackend());
                    }
                }
            }
        }
        return names;
    }

    /** The row's objects, each Service served by one endpoint {@code 10.0.0.n:8080}. */
    public ClusterSnapshot snapshot() {
        List<String> names = new ArrayList<>(serviceNames());
        return snapshot(service -> InetSocketAddress.createUnresolved(
                "10.0.0." + (names.indexOf(service) + 1), SERVICE_PORT));
    }

    /** The row's objects, each Service served by the one endpoint {@code endpointOf} gives (an IP literal). */
    public ClusterSnapshot snapshot(Function<String, InetSocketAddress> endpointOf) {
        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        for (String name : serviceNames()) {
            InetSocketAddress endpoint = endpointOf.apply(name);
            services.add(Fixtures.service(NAMESPACE, name).port(PORT_NAME, SERVICE_PORT, endpoint.getPort()).build());
            slices.add(Fixtures.endpointSlice(NAMESPACE, name + "-1", name)
                    .port(PORT_NAME, endpoint.getPort()).endpoint(endpoint.getHostString()).build());
        }
        return new ClusterSnapshot(ingresses, ingressClasses, services, slices, tlsSecrets());
    }

    private static final dev.breakwater.dataplane.testing.TestPki PKI =
            dev.breakwater.dataplane.testing.TestPki.create("Ingress examples CA");

    /** For each Secret named in spec.tls: a kubernetes.io/tls Secret with a certificate for its hosts. */
    private List<io.fabric8.kubernetes.api.model.Secret> tlsSecrets() {
        java.util.Map<String, java.util.Set<String>> hostsBySecret = new java.util.TreeMap<>();
        for (Ingress ingress : ingresses) {
            if (ingress.getSpec().getTls() == null) {
                continue;
            }
            for (io.fabric8.kubernetes.api.model.networking.v1.IngressTLS t : ingress.getSpec().getTls()) {
                hostsBySecret.computeIfAbsent(t.getSecretName(), s -> new java.util.TreeSet<>()).addAll(t.getHosts());
            }
        }
        List<io.fabric8.kubernetes.api.model.Secret> secrets = new ArrayList<>();
        hostsBySecret.forEach((name, hosts) -> {
            dev.breakwater.dataplane.testing.TestPki.Issued cert = PKI.server(hosts.toArray(String[]::new));
            secrets.add(new io.fabric8.kubernetes.api.model.SecretBuilder()
                    .withNewMetadata().withNamespace(NAMESPACE).withName(name).endMetadata()
                    .withType("kubernetes.io/tls")
                    .addToStringData("tls.crt", cert.chainPem()).addToStringData("tls.key", cert.keyPem())
                    .build());
        });
        return secrets;
    }

    @Override
    public String toString() {
        return source + ": " + description + " [" + (https ? "https" : "http") + "://" + host + path
                + (headers.isEmpty() ? "" : " " + headers) + " -> "
                + (expectedService == null ? "404" : expectedService + (expectedUri == null ? "" : " " + expectedUri))
                + "]";
    }

    private static void addService(Set<String> names, IngressBackend backend) {
        if (backend != null && backend.getService() != null) {
            names.add(backend.getService().getName());
        }
    }
}
