package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.compile.Compiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestLoaderTest {

    private static final String INGRESS = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
            spec:
              rules:
                - host: a.com
                  http:
                    paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: app
                            port:
                              name: http
            """;

    private static final String SERVICE_AND_SLICE = """
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: app
              namespace: default
            spec:
              ports:
                - name: http
                  port: 80
                  targetPort: 8080
            ---
            # an empty document
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: app-x1
              labels:
                kubernetes.io/service-name: app
            addressType: IPv4
            ports:
              - name: http
                port: 8080
            endpoints:
              - addresses: ["10.0.0.1"]
            """;

    @TempDir
    Path dir;

    private Manifests load() throws IOException {
        return new ManifestLoader().load(dir);
    }

    @Test
    void readsGatewayApiObjectsAndNamespacesAndServesTheirRoutes() throws IOException {
        Files.writeString(dir.resolve("backend.yaml"), SERVICE_AND_SLICE);
        Files.writeString(dir.resolve("gateway.yaml"), """
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: breakwater}
                spec: {controllerName: breakwater.dev/gateway-controller}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: edge}
                spec:
                  gatewayClassName: breakwater
                  listeners: [{name: http, protocol: HTTP, port: 80}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: web}
                spec:
                  parentRefs: [{name: edge}]
                  hostnames: [gw.example.com]
                  rules: [{backendRefs: [{name: app, port: 80}]}]
                ---
                apiVersion: gateway.networking.k8s.io/v1beta1
                kind: ReferenceGrant
                metadata: {name: none}
                spec:
                  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: other}]
                  to: [{group: "", kind: Service}]
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: default, labels: {team: web}}
                """);

        Manifests manifests = load();

        assertThat(manifests.errors()).isEmpty();
        var gatewayApi = manifests.snapshot().gatewayApi();
        assertThat(gatewayApi.gatewayClasses()).hasSize(1);
        assertThat(gatewayApi.gateways()).singleElement().satisfies(g ->
                assertThat(g.getMetadata().getNamespace()).isEqualTo("default"));
        assertThat(gatewayApi.httpRoutes()).hasSize(1);
        assertThat(gatewayApi.referenceGrants()).hasSize(1);
        assertThat(gatewayApi.namespaces()).singleElement().satisfies(n ->
                assertThat(n.getMetadata().getLabels()).containsEntry("team", "web"));
        var compilation = dev.breakwater.operator.compile.Compiler.compile(manifests.snapshot(),
                dev.breakwater.operator.compile.CompilerOptions.local());
        assertThat(compilation.table().virtualHosts()).extracting(v -> v.hostname()).containsExactly("gw.example.com");
    }

    @Test
    void readsMultiDocumentYamlAndYmlFilesIntoOneSnapshot() throws IOException {
        Files.writeString(dir.resolve("ingress.yml"), INGRESS);
        Files.writeString(dir.resolve("backend.yaml"), SERVICE_AND_SLICE);
        Files.writeString(dir.resolve("notes.txt"), "kind: Nothing");

        Manifests manifests = load();

        assertThat(manifests.errors()).isEmpty();
        assertThat(manifests.warnings()).isEmpty();
        assertThat(manifests.snapshot().ingresses()).hasSize(1);
        assertThat(manifests.snapshot().services()).hasSize(1);
        assertThat(manifests.snapshot().endpointSlices()).hasSize(1);
        assertThat(manifests.fileOfObject()).containsEntry("Ingress/default/web", dir.resolve("ingress.yml"))
                .containsEntry("Service/default/app", dir.resolve("backend.yaml"))
                .containsEntry("EndpointSlice/default/app-x1", dir.resolve("backend.yaml"));
        var table = Compiler.compile(manifests.snapshot(), CompilerOptions.local()).table();
        assertThat(TableLookup.route(table, "a.com", "/")).isEqualTo("default/app:http");
        assertThat(table.cluster("default/app:http").endpoints()).hasSize(1);
    }

    @Test
    void missingNamespaceDefaultsToDefaultButNotForClusterScopedKinds() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), INGRESS + """
                ---
                apiVersion: networking.k8s.io/v1
                kind: IngressClass
                metadata:
                  name: breakwater
                spec:
                  controller: breakwater.dev/ingress-controller
                """);

        Manifests manifests = load();

        assertThat(manifests.errors()).isEmpty();
        assertThat(manifests.snapshot().ingresses().get(0).getMetadata().getNamespace()).isEqualTo("default");
        assertThat(manifests.snapshot().ingressClasses().get(0).getMetadata().getNamespace()).isNull();
        assertThat(manifests.fileOfObject()).containsKeys("Ingress/default/web", "IngressClass/breakwater");
    }

    @Test
    void badYamlIsAnErrorNamingFileAndDocument() throws IOException {
        Files.writeString(dir.resolve("broken.yaml"), INGRESS + "---\nkind: Service\nmetadata: {name: [x\n");

        Manifests manifests = load();

        assertThat(manifests.errors()).singleElement().satisfies(error -> {
            assertThat(error.file()).isEqualTo(dir.resolve("broken.yaml"));
            assertThat(error.document()).isEqualTo(2);
            assertThat(error.object()).isNull();
            assertThat(error.reason()).startsWith("invalid YAML");
            assertThat(error.toString()).contains("broken.yaml (document 2)");
        });
        assertThat(manifests.snapshot().ingresses()).hasSize(1);
    }

    @Test
    void schemaMismatchAndMissingNameAreErrors() throws IOException {
        Files.writeString(dir.resolve("bad.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: web
                spec:
                  rules: "not a list"
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  namespace: default
                """);

        Manifests manifests = load();

        assertThat(manifests.errors()).hasSize(2);
        assertThat(manifests.errors().get(0).object()).isEqualTo("Ingress/default/web");
        assertThat(manifests.errors().get(0).document()).isEqualTo(1);
        assertThat(manifests.errors().get(0).reason()).startsWith("does not match the Ingress schema at spec.rules");
        assertThat(manifests.errors().get(1).document()).isEqualTo(2);
        assertThat(manifests.errors().get(1).reason()).isEqualTo("Service has no metadata.name");
        assertThat(manifests.snapshot().ingresses()).isEmpty();
    }

    @Test
    void sameObjectInTwoFilesIsAnErrorNamingBoth() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), INGRESS);
        Files.writeString(dir.resolve("b.yaml"), INGRESS.replace("name: web", "name: web\n  namespace: default"));

        Manifests manifests = load();

        assertThat(manifests.errors()).singleElement().satisfies(error -> {
            assertThat(error.file()).isEqualTo(dir.resolve("b.yaml"));
            assertThat(error.object()).isEqualTo("Ingress/default/web");
            assertThat(error.reason()).contains(dir.resolve("a.yaml").toString())
                    .contains(dir.resolve("b.yaml").toString());
        });
        assertThat(manifests.snapshot().ingresses()).hasSize(1);
        assertThat(manifests.fileOfObject()).containsEntry("Ingress/default/web", dir.resolve("a.yaml"));
    }

    @Test
    void unknownKindIsAWarningNamingFileAndKind() throws IOException {
        Files.writeString(dir.resolve("deploy.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: app
                """);

        Manifests manifests = load();

        assertThat(manifests.errors()).isEmpty();
        assertThat(manifests.warnings()).singleElement().satisfies(warning -> {
            assertThat(warning.file()).isEqualTo(dir.resolve("deploy.yaml"));
            assertThat(warning.document()).isEqualTo(1);
            assertThat(warning.reason()).contains("Deployment");
        });
    }

    @Test
    void unsupportedApiVersionIsAnError() throws IOException {
        Files.writeString(dir.resolve("old.yaml"), INGRESS.replace("networking.k8s.io/v1", "extensions/v1beta1"));

        Manifests manifests = load();

        assertThat(manifests.errors()).singleElement().satisfies(error -> {
            assertThat(error.object()).isEqualTo("Ingress/default/web");
            assertThat(error.reason()).contains("extensions/v1beta1").contains("networking.k8s.io/v1");
        });
    }

    @Test
    void emptyFolderGivesAnEmptySnapshot() throws IOException {
        Manifests manifests = load();

        assertThat(manifests.snapshot().ingresses()).isEmpty();
        assertThat(manifests.errors()).isEmpty();
    }

    private static final String ROUTE = """
            apiVersion: breakwater.dev/v1alpha1
            kind: Route
            metadata:
              name: shop
            spec:
              hostnames: [shop.example.com]
              rules:
              - matches:
                - path: {type: PathPrefix, value: /api}
                  headers: [{name: x-canary, value: "1"}]
                  method: GET
                backends:
                - {name: app, port: http, weight: 80}
                - {name: app, port: 80, weight: 20}
                retries: {attempts: 3, on: [5xx, reset]}
                timeouts: {connect: 250ms}
                cache: {maxObjectSize: 1Mi}
            """;

    @Test
    void readsRoutesIntoTheSnapshotAndTheyCompile() throws IOException {
        Files.writeString(dir.resolve("route.yaml"), ROUTE + SERVICE_AND_SLICE);

        Manifests manifests = load();

        assertThat(manifests.errors()).isEmpty();
        assertThat(manifests.snapshot().routes()).singleElement().satisfies(r -> {
            assertThat(r.getMetadata().getNamespace()).isEqualTo("default");
            assertThat(r.getSpec().rules.get(0).backends.get(0).port.getStrVal()).isEqualTo("http");
            assertThat(r.getSpec().rules.get(0).backends.get(1).port.getIntVal()).isEqualTo(80);
        });
        assertThat(manifests.fileOfObject()).containsEntry("Route/default/shop", dir.resolve("route.yaml"));
        var compilation = Compiler.compile(manifests.snapshot(), CompilerOptions.local());
        assertThat(compilation.diagnostics()).isEmpty();
        assertThat(compilation.table().virtualHosts().get(0).routes().get(0).policy().retries().on5xx()).isTrue();
    }

    @Test
    void anUnknownRouteFieldOrValueIsAnErrorNamingIt() throws IOException {
        Files.writeString(dir.resolve("route.yaml"), ROUTE.replace("retries:", "retry:") + "---\n"
                + ROUTE.replace("name: shop", "name: other").replace("PathPrefix", "Prefix"));

        Manifests manifests = load();

        assertThat(manifests.errors()).hasSize(2);
        assertThat(manifests.errors().get(0).object()).isEqualTo("Route/default/shop");
        assertThat(manifests.errors().get(0).reason()).startsWith("does not match the Route schema at spec.rules[0]")
                .contains("\"retry\"");
        assertThat(manifests.errors().get(1).object()).isEqualTo("Route/default/other");
        assertThat(manifests.errors().get(1).reason())
                .startsWith("does not match the Route schema at spec.rules[0].matches[0].path.type")
                .contains("Prefix");
    }

    @Test
    void aRouteOfAnotherVersionIsAnError() throws IOException {
        Files.writeString(dir.resolve("route.yaml"), ROUTE.replace("v1alpha1", "v1"));

        assertThat(load().errors()).singleElement().satisfies(e -> assertThat(e.reason())
                .isEqualTo("apiVersion \"breakwater.dev/v1\" is not supported for Route (expected: "
                        + "breakwater.dev/v1alpha1)"));
    }
}
