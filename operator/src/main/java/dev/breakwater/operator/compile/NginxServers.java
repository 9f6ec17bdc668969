package dev.breakwater.operator.compile;

import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What ingress-nginx decides per server (host) from every Ingress of it, read before any Ingress is compiled: the
 * hosts the rules name (an alias or a www redirect never takes one of them), and the hosts whose paths are all
 * regular expressions because one Ingress of class {@code nginx} on them says {@code use-regex} or rewrites
 * ({@code rewrite-target}): ingress-nginx writes every location of such a server as {@code ~* "^path"}, Exact paths
 * included. The quirks apply to the Ingresses of class {@code nginx} (by {@code spec.ingressClassName} or the
 * class annotation) and of the classes taken over with {@code --also-serve-class}.
 */
final class NginxServers {

    static final NginxServers NONE = new NginxServers(Set.of(), Set.of(), Set.of());

    private static final String NGINX_CLASS = "nginx";
    private static final List<String> PREFIXES = List.of("breakwater.dev/", "nginx.ingress.kubernetes.io/");

    private final Set<String> ruleHosts;
    private final Set<String> regexHosts;
    private final Set<String> nginxClasses;

    private NginxServers(Set<String> ruleHosts, Set<String> regexHosts, Set<String> nginxClasses) {
        this.ruleHosts = ruleHosts;
        this.regexHosts = regexHosts;
        this.nginxClasses = nginxClasses;
    }

    /** Reads {@code ingresses} (those the compiler serves) with ingress-nginx's class names {@code alsoServed}. */
    static NginxServers of(List<Ingress> ingresses, Set<String> alsoServed) {
        Set<String> classes = new HashSet<>(alsoServed);
        classes.add(NGINX_CLASS);
        NginxServers servers = new NginxServers(new HashSet<>(), new HashSet<>(), Set.copyOf(classes));
        for (Ingress ingress : ingresses) {
            if (ingress.getSpec() == null || ingress.getSpec().getRules() == null || isCanary(ingress)) {
                continue;
            }
            boolean regex = servers.nginxQuirks(ingress) && turnsOnRegex(ingress);
            for (IngressRule rule : ingress.getSpec().getRules()) {
                if (rule.getHost() == null || rule.getHost().isEmpty()) {
                    continue;
                }
                String host = rule.getHost().toLowerCase(Locale.ROOT);
                servers.ruleHosts.add(host);
                if (regex) {
                    servers.regexHosts.add(host);
                }
            }
        }
        return servers;
    }

    /** True when some Ingress's rules name {@code host}. */
    boolean isRuleHost(String host) {
        return ruleHosts.contains(host);
    }

    /** True when {@code host}'s paths of Ingresses of class nginx are all regular expressions. */
    boolean isRegexHost(String host) {
        return regexHosts.contains(host);
    }

    /** True when {@code ingress} is of class nginx: ingress-nginx's quirks apply to it. */
    boolean nginxQuirks(Ingress ingress) {
        String className = ingress.getSpec() == null ? null : ingress.getSpec().getIngressClassName();
        if (className == null && ingress.getMetadata().getAnnotations() != null) {
            className = ingress.getMetadata().getAnnotations().get(IngressClassFilter.CLASS_ANNOTATION);
        }
        return className != null && nginxClasses.contains(className);
    }

    /** {@code use-regex: "true"}, or a {@code rewrite-target} other than one of its paths (ingress-nginx's rule). */
    private static boolean turnsOnRegex(Ingress ingress) {
        String useRegex = value(ingress, "use-regex");
        if ("true".equalsIgnoreCase(useRegex)) {
            return true;
        }
        String target = value(ingress, "rewrite-target");
        if (target == null) {
            return false;
        }
        for (IngressRule rule : ingress.getSpec().getRules()) {
            if (rule.getHttp() != null && rule.getHttp().getPaths() != null) {
                for (HTTPIngressPath p : rule.getHttp().getPaths()) {
                    if (!target.equals(IngressProcessor.writtenPath(p))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean isCanary(Ingress ingress) {
        return "true".equalsIgnoreCase(value(ingress, "canary"));
    }

    /** The annotation {@code name} under our prefix, else ingress-nginx's, trimmed; null when neither is set. */
    private static String value(Ingress ingress, String name) {
        Map<String, String> annotations = ingress.getMetadata().getAnnotations();
        if (annotations == null) {
            return null;
        }
        for (String prefix : PREFIXES) {
            String v = annotations.get(prefix + name);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
