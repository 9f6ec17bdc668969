package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.routing.Cluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicyValidation;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SubjectAltName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The BackendTLSPolicies ({@code gateway.networking.k8s.io/v1}) of a compilation: which one applies to a Service port
 * that a route of ours sends to, the upstream TLS settings it makes of that port's cluster, and each policy's status
 * under the Gateways whose routes use its targets.
 *
 * <p>A policy targets Services ({@code group ""}, {@code kind Service}) of its own namespace, a whole Service or, with
 * {@code sectionName}, one port by name. For a port, a policy naming that port goes before one naming the whole
 * Service; among policies of the same target and sectionName the oldest wins, then the first by namespace/name, and
 * the others are {@code Accepted=False}, {@code Conflicted}. CA certificates come from ConfigMaps of the policy's
 * namespace (key {@code ca.crt}, PEM); {@code wellKnownCACertificates: System} trusts what the data planes' JVM
 * trusts.
 */
final class BackendTlsPolicies {

    static final String KIND = "BackendTLSPolicy";
    private static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

    /**
     * What a policy makes of the ports it applies to.
     *
     * @param key      {@code namespace/name}
     * @param tls      the upstream TLS settings, or null when no CA certificate can be used (its ports then fail)
     * @param accepted {@code Accepted} (before conflicts)
     * @param resolved {@code ResolvedRefs}
     */
    record Policy(String key, BackendTLSPolicy object, Cluster.UpstreamTls tls, RouteStatusReport.Condition accepted,
                  RouteStatusReport.Condition resolved) {
    }

    /** The policy applied to a port, or null when none is. */
    record Applied(Policy policy) {
        boolean usable() {
            return policy.tls() != null;
        }
    }

    /** The winner (index 0) and the conflicted policies of each target {@code ns/service/sectionName}. */
    private final Map<String, List<Policy>> byTarget = new HashMap<>();
    private final Map<String, Policy> policies = new LinkedHashMap<>();
    /** The ancestor Gateways ({@code namespace/name}) of each policy, in the order they were found. */
    private final Map<String, Set<String>> ancestors = new HashMap<>();

    private final List<Diagnostic> diagnostics;

    /** Problems of the policies go to {@code diagnostics} (Events on them, and local mode's report). */
    BackendTlsPolicies(List<BackendTLSPolicy> objects, List<ConfigMap> configMaps, List<Diagnostic> diagnostics) {
        this.diagnostics = diagnostics;
        Map<String, ConfigMap> maps = new HashMap<>();
        for (ConfigMap m : configMaps) {
            maps.put(Compiler.namespace(m) + "/" + m.getMetadata().getName(), m);
        }
        List<BackendTLSPolicy> ordered = objects.stream()
                .filter(p -> p.getMetadata() != null && p.getMetadata().getName() != null)
                .sorted(Comparator.comparing((BackendTLSPolicy p) -> String.valueOf(
                                p.getMetadata().getCreationTimestamp()))
                        .thenComparing(p -> Compiler.namespace(p) + "/" + p.getMetadata().getName()))
                .toList();
        for (BackendTLSPolicy object : ordered) {
            Policy policy = read(object, maps);
            policies.put(policy.key(), policy);
            if (!policy.accepted().status()) {
                diagnostics.add(Diagnostic.error(KIND + "/" + policy.key(), "spec.validation",
                        policy.accepted().message()));
            } else if (!policy.resolved().status()) {
                diagnostics.add(Diagnostic.warning(KIND + "/" + policy.key(), "spec.validation",
                        policy.resolved().message()));
            }
            String namespace = Compiler.namespace(object);
            List<LocalPolicyTargetReferenceWithSectionName> targets = object.getSpec() == null
                    || object.getSpec().getTargetRefs() == null ? List.of() : object.getSpec().getTargetRefs();
            for (LocalPolicyTargetReferenceWithSectionName t : targets) {
                if (!isEmpty(t.getGroup()) || !"Service".equals(t.getKind()) || isEmpty(t.getName())) {
                    continue; // only Services are targets here
                }
                String target = namespace + "/" + t.getName() + "/" + (t.getSectionName() == null ? ""
                        : t.getSectionName());
                List<Policy> list = byTarget.computeIfAbsent(target, k -> new ArrayList<>());
                if (!list.contains(policy)) {
                    list.add(policy);
                }
            }
        }
    }

    /** The policy that applies to port {@code portName} (null or empty: unnamed) of Service {@code ns/service}. */
    Applied forPort(String namespace, String service, String portName) {
        List<Policy> named = isEmpty(portName) ? null : byTarget.get(namespace + "/" + service + "/" + portName);
        List<Policy> list = named != null ? named : byTarget.get(namespace + "/" + service + "/");
        return list == null ? null : new Applied(list.get(0));
    }

    /**
     * A route accepted by Gateway {@code gateway} ({@code namespace/name}) sends to that port: the policies of its
     * targets (the applied one and those it won over) have the Gateway as an ancestor.
     */
    void used(String namespace, String service, String portName, String gateway) {
        List<List<Policy>> lists = new ArrayList<>();
        if (!isEmpty(portName)) {
            lists.add(byTarget.get(namespace + "/" + service + "/" + portName));
        }
        lists.add(byTarget.get(namespace + "/" + service + "/"));
        for (List<Policy> list : lists) {
            if (list != null) {
                list.forEach(p -> ancestors.computeIfAbsent(p.key(), k -> new LinkedHashSet<>()).add(gateway));
            }
        }
    }

    /**
     * Every policy's status facts: one ancestor per Gateway found by {@link #used}, none for a policy whose targets
     * no route of ours uses (so that ancestors of ours written before are removed).
     */
    List<GatewayApiStatus.HttpRouteReport> reports() {
        List<GatewayApiStatus.HttpRouteReport> out = new ArrayList<>();
        for (Policy p : policies.values()) {
            RouteStatusReport.Condition accepted = p.accepted();
            Policy winner = conflictWinner(p);
            if (winner != null) {
                accepted = GatewayApiProcessor.condition(RouteStatusReport.ACCEPTED, false, "Conflicted",
                        "BackendTLSPolicy " + winner.key() + " is older (or first by name) and has the same target");
                diagnostics.add(Diagnostic.warning(KIND + "/" + p.key(), "spec.targetRefs", accepted.message()
                        + "; it is not applied there"));
            }
            List<GatewayApiStatus.ParentReport> parents = new ArrayList<>();
            for (String gateway : ancestors.getOrDefault(p.key(), Set.of())) {
                int slash = gateway.indexOf('/');
                parents.add(new GatewayApiStatus.ParentReport(new GatewayApiStatus.ParentRef(GATEWAY_GROUP, "Gateway",
                        gateway.substring(0, slash), gateway.substring(slash + 1), null, null), accepted,
                        p.resolved()));
            }
            int slash = p.key().indexOf('/');
            out.add(new GatewayApiStatus.HttpRouteReport(KIND, p.key().substring(0, slash),
                    p.key().substring(slash + 1), p.object().getMetadata().getGeneration(), parents));
        }
        return out;
    }

    /** The policy that takes a target of {@code p} from it, or null when it loses none. */
    private Policy conflictWinner(Policy p) {
        for (List<Policy> list : byTarget.values()) {
            if (list.size() > 1 && list.indexOf(p) > 0) {
                return list.get(0);
            }
        }
        return null;
    }

    private static Policy read(BackendTLSPolicy object, Map<String, ConfigMap> maps) {
        String namespace = Compiler.namespace(object);
        String key = namespace + "/" + object.getMetadata().getName();
        BackendTLSPolicyValidation v = object.getSpec() == null ? null : object.getSpec().getValidation();
        if (v == null || isEmpty(v.getHostname())) {
            return invalid(key, object, "spec.validation.hostname is required");
        }
        List<String> sans = new ArrayList<>();
        for (SubjectAltName san : v.getSubjectAltNames() == null ? List.<SubjectAltName>of()
                : v.getSubjectAltNames()) {
            if ("Hostname".equals(san.getType()) && !isEmpty(san.getHostname())) {
                sans.add("DNS:" + san.getHostname());
            } else if ("URI".equals(san.getType()) && !isEmpty(san.getUri())) {
                sans.add("URI:" + san.getUri());
            } else {
                return invalid(key, object, "spec.validation.subjectAltNames: type " + san.getType()
                        + " needs its " + ("URI".equals(san.getType()) ? "uri" : "hostname"));
            }
        }
        List<LocalObjectReference> refs = v.getCaCertificateRefs() == null ? List.of() : v.getCaCertificateRefs();
        String wellKnown = v.getWellKnownCACertificates();
        if (!isEmpty(wellKnown)) {
            if (!refs.isEmpty()) {
                return invalid(key, object, "spec.validation: caCertificateRefs and wellKnownCACertificates are "
                        + "exclusive");
            }
            if (!Cluster.UpstreamTls.SYSTEM.equals(wellKnown)) {
                return invalid(key, object, "spec.validation.wellKnownCACertificates: \"" + wellKnown
                        + "\" is not supported (only System)");
            }
            return new Policy(key, object, new Cluster.UpstreamTls(null, v.getHostname(), wellKnown, sans),
                    accepted(), resolved());
        }
        if (refs.isEmpty()) {
            return invalid(key, object, "spec.validation: caCertificateRefs or wellKnownCACertificates is required");
        }
        StringBuilder bundle = new StringBuilder();
        String reason = null;
        String message = null;
        for (int i = 0; i < refs.size(); i++) {
            LocalObjectReference ref = refs.get(i);
            String field = "spec.validation.caCertificateRefs[" + i + "]";
            String problem = null;
            String problemReason = "InvalidCACertificateRef";
            if (!isEmpty(ref.getGroup()) || !"ConfigMap".equals(ref.getKind())) {
                problemReason = "InvalidKind";
                problem = (isEmpty(ref.getGroup()) ? "" : ref.getGroup() + "/") + ref.getKind()
                        + " is not supported (only ConfigMap)";
            } else {
                ConfigMap map = maps.get(namespace + "/" + ref.getName());
                String pem = map == null || map.getData() == null ? null : map.getData().get("ca.crt");
                if (map == null) {
                    problem = "ConfigMap " + namespace + "/" + ref.getName() + " does not exist";
                } else if (pem == null || pem.isBlank()) {
                    problem = "ConfigMap " + namespace + "/" + ref.getName() + " has no ca.crt";
                } else {
                    try {
                        TlsSecrets.certificates(pem, "ConfigMap " + namespace + "/" + ref.getName() + ": ca.crt");
                        bundle.append(pem.endsWith("\n") ? pem : pem + "\n");
                    } catch (IllegalArgumentException e) {
                        problem = e.getMessage();
                    }
                }
            }
            if (problem != null && reason == null) {
                reason = problemReason;
                message = field + ": " + problem;
            }
        }
        RouteStatusReport.Condition resolved = reason == null ? resolved()
                : GatewayApiProcessor.condition(RouteStatusReport.RESOLVED_REFS, false, reason, message);
        if (bundle.isEmpty()) {
            return new Policy(key, object, null, GatewayApiProcessor.condition(RouteStatusReport.ACCEPTED, false,
                    "NoValidCACertificate", "no CA certificate can be used (" + message + "); requests to its "
                            + "targets fail"), resolved);
        }
        return new Policy(key, object, new Cluster.UpstreamTls(bundle.toString(), v.getHostname(), null, sans),
                accepted(), resolved);
    }

    private static Policy invalid(String key, BackendTLSPolicy object, String message) {
        return new Policy(key, object, null, GatewayApiProcessor.condition(RouteStatusReport.ACCEPTED, false,
                "Invalid", message + "; requests to its targets fail"), resolved());
    }

    private static RouteStatusReport.Condition accepted() {
        return GatewayApiProcessor.condition(RouteStatusReport.ACCEPTED, true, "Accepted", "applied by Breakwater");
    }

    private static RouteStatusReport.Condition resolved() {
        return GatewayApiProcessor.condition(RouteStatusReport.RESOLVED_REFS, true, "ResolvedRefs",
                "every CA certificate reference was resolved");
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }
}
