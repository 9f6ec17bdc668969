package dev.breakwater.operator.local;

import java.util.Map;
import java.util.TreeMap;

/** Ingresses of class {@code nginx} that the ingress-nginx tests through a data plane write into their folders. */
final class NginxIngresses {

    private NginxIngresses() {
    }

    /**
     * An Ingress {@code name} of class {@code nginx} serving {@code host} (every path) with the Service
     * {@code service} (port 80), with these {@code nginx.ingress.kubernetes.io/} annotations (sorted by name).
     */
    static String ingress(String name, String host, String service, Map<String, String> annotations) {
        return ingress(name, host, service, annotations, "");
    }

    /** As {@link #ingress(String, String, String, Map)}, with {@code spec} lines (indented 2) before the rules. */
    static String ingress(String name, String host, String service, Map<String, String> annotations, String spec) {
        StringBuilder a = new StringBuilder();
        new TreeMap<>(annotations).forEach((k, v) -> a.append("    nginx.ingress.kubernetes.io/").append(k)
                .append(": \"").append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n"));
        return """
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                  annotations:
                %s
                spec:
                  ingressClassName: nginx
                %s  rules:
                  - host: %s
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: %s, port: {number: 80}}}}
                """.formatted(name, annotations.isEmpty() ? "    {}" : a.toString().stripTrailing(), spec.indent(2),
                host, service);
    }
}
