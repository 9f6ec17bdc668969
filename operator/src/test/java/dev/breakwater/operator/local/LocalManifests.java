package dev.breakwater.operator.local;

/** Manifests the local-mode tests write into their folders. */
final class LocalManifests {

    private LocalManifests() {
    }

    /**
     * A Service {@code name} (port {@code http} 80) and its EndpointSlice {@code name-1}: one endpoint,
     * 127.0.0.1:{@code port}.
     */
    static String service(String name, int port) {
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: %1$s}
                spec:
                  ports: [{name: http, port: 80}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: %1$s-1, labels: {kubernetes.io/service-name: %1$s}}
                addressType: IPv4
                ports: [{name: http, port: %2$d}]
                endpoints: [{addresses: ["127.0.0.1"]}]
                """.formatted(name, port);
    }
}
