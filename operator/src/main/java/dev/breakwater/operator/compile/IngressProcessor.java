package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.annotation.IngressSettings;
import dev.breakwater.operator.annotation.IngressSettingsReader;
import dev.breakwater.routing.BasicAuth;
import dev.breakwater.routing.ClientAuth;
import dev.breakwater.routing.DigestAuth;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.PathModifier;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.VirtualHost;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the Ingresses that are not canaries into the {@link TableBuilder}, with Ingress v1 semantics and the
 * annotations' typed settings; canary Ingresses are kept for the {@link CanaryProcessor}.
 *
 * <ul>
 *   <li>Hosts become {@link VirtualHost}s: exact names, then {@code *.} wildcards, then the catch-all
 *       {@code *} for rules without a host. Rules of several Ingresses for one host merge.</li>
 *   <li>{@code pathType: Exact} becomes an exact match and {@code Prefix} an element-wise prefix match.
 *       {@code ImplementationSpecific} is treated as {@code Prefix} (and a missing path under it as
 *       {@code /}).</li>
 *   <li>Routes are ordered as {@link RouteCandidate#PRECEDENCE} says (for Ingress paths: longest match first,
 *       Exact before Prefix, then oldest object); an equal match already served by an older object is dropped
 *       with a warning.</li>
 *   <li>The oldest {@code spec.defaultBackend} is the cluster default, the last route of every virtual host;
 *       an Ingress's own default backend is the last route of the hosts named in its rules.</li>
 *   <li>A backend that cannot be resolved (missing Service, unknown port, resource backend) is reported and
 *       its route answers 503, so its requests never fall through to another route.</li>
 * </ul>
 */
final class IngressProcessor implements Processor {

    private final TableBuilder table;
    private final List<Diagnostic> diagnostics;
    private final BackendResolver backends;
    private final HostRoutes routes;
    private final NginxServers servers;
    private final IngressHostRoutes hostRoutes;
    private final IngressSettingsReader settingsReader;
    /** Each regular-expression path compiled once per compilation: its problem, or "" when it compiles. */
    private final Map<String, String> regexProblems = new HashMap<>();
    private Settings clusterDefaultSettings;
    private Settings current;

    /** Canary Ingresses, oldest first, attached once every other Ingress is compiled. */
    private final List<PendingCanary> canaries = new ArrayList<>();
    /** The routes of Ingresses that are not canaries, by host, pathType and path as written. */
    private final Map<PathKey, MainRoute> mainRoutes = new HashMap<>();

    IngressProcessor(TableBuilder table, NginxServers servers, String defaultBackendService) {
        this.table = table;
        this.diagnostics = table.diagnostics();
        this.backends = table.backends();
        this.routes = table.routes();
        this.servers = servers;
        this.hostRoutes = new IngressHostRoutes(table, servers, defaultBackendService);
        this.settingsReader = new IngressSettingsReader(table.controllerConfig(), table::configMapData);
    }

    @Override
    public void finish() {
        hostRoutes.finish();
    }

    @Override
    public void add(HasMetadata object, int rank) {
        if (object instanceof Ingress ingress) {
            add(ingress, rank);
        }
    }

    /** The canary Ingresses, oldest first, with their annotations. */
    List<PendingCanary> canaries() {
        return canaries;
    }

    /** The route of an Ingress (not a canary) for {@code host}, {@code pathType} and {@code path} as written. */
    MainRoute mainRoute(String host, String pathType, String path) {
        return mainRoutes.get(new PathKey(host, pathType, path));
    }

    /** The settings of the Ingress whose default backend is the cluster default, or null. */
    Settings clusterDefaultSettings() {
        return clusterDefaultSettings;
    }

    private void add(Ingress ingress, int rank) {
        IngressSpec spec = ingress.getSpec();
        if (spec == null) {
            return;
        }
        String namespace = namespace(ingress);
        String object = objectName(ingress);
        IngressSettings settings = settingsReader.read(object, namespace, ingress.getMetadata().getAnnotations(),
                diagnostics);
        if (settings.canary() != null) {
            canaries.add(new PendingCanary(ingress, settings));
            return;
        }
        Set<String> tlsHosts = addTls(ingress, spec, object, namespace);
        boolean[] backendFailClosed = new boolean[1];
        Cluster.UpstreamTls upstreamTls = upstreamTls(object, settings, backendFailClosed);
        Users users = users(object, settings.auth(), backendFailClosed);
        current = new Settings(settings, tlsHosts, upstreamTls, users,
                backendFailClosed[0] || settings.paths().allowlistInvalid() || settings.auth().failClosed(),
                clientAuth(spec, object, settings, tlsHosts), settings.paths().regexPaths(pathValues(spec)),
                servers.nginxQuirks(ingress));
        hostRoutes.startIngress(ingress, object, current);
        RouteAction ownDefault = null;
        if (spec.getDefaultBackend() != null) {
            ownDefault = resolveBackend(object, namespace, spec.getDefaultBackend(), "spec.defaultBackend");
            if (table.clusterDefault() == null) {
                table.clusterDefault(new TableBuilder.ClusterDefault(namespace + "/" + ingress.getMetadata().getName(),
                        object, ownDefault));
                clusterDefaultSettings = current;
            } else {
                diagnostics.add(Diagnostic.warning(object, "spec.defaultBackend", "ignored as the cluster default, "
                        + table.clusterDefault().ownerObject() + " is older"));
            }
        }
        List<IngressRule> rules = spec.getRules() == null ? List.of() : spec.getRules();
        for (int r = 0; r < rules.size(); r++) {
            IngressRule rule = rules.get(r);
            String host = rule.getHost() == null || rule.getHost().isEmpty() ? VirtualHost.CATCH_ALL : rule.getHost();
            if (!host.equals(VirtualHost.CATCH_ALL)) {
                String problem = HostName.problem(host);
                if (problem != null) {
                    diagnostics.add(Diagnostic.error(object, "spec.rules[" + r + "].host", problem));
                    continue;
                }
                if (ownDefault != null && !table.hasFallback(host)) {
                    table.fallback(host, TableBuilder.fallbackRoute(namespace + "/" + ingress.getMetadata().getName(),
                            object, host, current.failClosedHosts().contains(host) ? BackendResolver.UNAVAILABLE
                                    : ownDefault, current.policyFor(host)).withFilters(current.filtersFor("/")));
                }
            }
            if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
                continue;
            }
            List<HTTPIngressPath> paths = rule.getHttp().getPaths();
            for (String served : hostRoutes.namesOf(host)) {
                for (int p = 0; p < paths.size(); p++) {
                    addPath(ingress, rank, served, r, p, paths.get(p));
                }
            }
        }
        hostRoutes.endIngress(rank);
    }

    private void addPath(Ingress ingress, int rank, String host, int r, int p, HTTPIngressPath path) {
        String object = objectName(ingress);
        String field = "spec.rules[" + r + "].http.paths[" + p + "]";
        PathMatch match = pathMatch(object, field, path, host);
        if (match == null || !routes.claim(host, RouteMatch.path(match), object, field, diagnostics)) {
            return;
        }
        String written = writtenPath(path);
        List<RouteFilter> filters;
        try {
            filters = current.filtersFor(written);
        } catch (IllegalArgumentException e) {
            diagnostics.add(Diagnostic.error(object, field + ".path", "path \"" + written + "\" cannot be rewritten as "
                    + "rewrite-target says: " + e.getMessage()));
            return;
        }
        RouteAction action = current.failClosedHosts().contains(host) ? BackendResolver.UNAVAILABLE
                : resolveBackend(object, namespace(ingress), path.getBackend(), field + ".backend");
        String name = routes.uniqueName(namespace(ingress) + "/" + ingress.getMetadata().getName() + ":" + host
                + written, match.type());
        Route route = new Route(name, object, RouteMatch.path(match), action,
                hostRoutes.withMirror(hostRoutes.withErrorPages(current.policyFor(host), action, path.getBackend()),
                        action), filters);
        routes.add(host, new RouteCandidate(route, rank, r, p));
        hostRoutes.pathAdded(host, match, route);
        mainRoutes.putIfAbsent(new PathKey(host, path.getPathType(), written), new MainRoute(route, current));
    }

    /** The path as the Ingress writes it ({@code /} for an ImplementationSpecific path left out). */
    static String writtenPath(HTTPIngressPath path) {
        String value = path.getPath();
        return (value == null || value.isEmpty()) && "ImplementationSpecific".equals(path.getPathType()) ? "/" : value;
    }

    /** Every path the Ingress writes, and {@code /} for its own default backend. */
    private static List<String> pathValues(IngressSpec spec) {
        List<String> values = new ArrayList<>();
        if (spec.getDefaultBackend() != null) {
            values.add("/");
        }
        for (IngressRule rule : spec.getRules() == null ? List.<IngressRule>of() : spec.getRules()) {
            if (rule.getHttp() != null && rule.getHttp().getPaths() != null) {
                rule.getHttp().getPaths().forEach(p -> values.add(Objects.toString(writtenPath(p), "")));
            }
        }
        return values;
    }

    private PathMatch pathMatch(String object, String field, HTTPIngressPath path, String host) {
        String type = path.getPathType();
        if (type == null || type.isEmpty()) {
            diagnostics.add(Diagnostic.error(object, field + ".pathType",
                    "pathType is required: Exact, Prefix or ImplementationSpecific"));
            return null;
        }
        String value = writtenPath(path);
        if (value == null || !value.startsWith("/")) {
            diagnostics.add(Diagnostic.error(object, field + ".path",
                    "path \"" + Objects.toString(value, "") + "\" must start with \"/\""));
            return null;
        }
        boolean regexHost = current.nginxQuirks() && servers.isRegexHost(host);
        switch (type) {
            case "Exact":
                // ingress-nginx writes every location of a regex server as ~* "^path", Exact ones too
                return regexHost ? regexPath(object, field, value) : PathMatch.exact(value);
            case "Prefix":
            case "ImplementationSpecific":
                if (current.regexPaths() || regexHost) {
                    return regexPath(object, field, value);
                }
                return PathMatch.prefix(value);
            default:
                diagnostics.add(Diagnostic.error(object, field + ".pathType",
                        "pathType \"" + type + "\" is not one of Exact, Prefix, ImplementationSpecific"));
                return null;
        }
    }

    /**
     * A path of an Ingress with {@code use-regex} (or a {@code rewrite-target}): as ingress-nginx's
     * {@code location ~* "^path"}, a case-insensitive regular expression matched from the start of the request
     * path.
     */
    private PathMatch regexPath(String object, String field, String value) {
        String problem = regexProblems.computeIfAbsent(value, v -> {
            try {
                Pattern.compile(v);
                return "";
            } catch (PatternSyntaxException e) {
                return String.valueOf(e.getDescription());
            }
        });
        if (!problem.isEmpty()) {
            diagnostics.add(Diagnostic.error(object, field + ".path", "path \"" + value + "\" is not a regular "
                    + "expression (the Ingress uses use-regex or rewrite-target): " + problem));
            return null;
        }
        return new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, "(?i)(?:" + value + ").*");
    }

    /**
     * What one Ingress's annotations and TLS section say about its routes and backends.
     *
     * @param backendFailClosed its routes answer 503: a backend CA or the source allowlist could not be read
     * @param regexPaths        its Prefix and ImplementationSpecific paths are regular expressions
     * @param nginxQuirks       it is of class nginx: ingress-nginx's per-server quirks apply ({@link NginxServers})
     */
    record Settings(IngressSettings annotations, Set<String> tlsHosts, Cluster.UpstreamTls upstreamTls,
                    Users users, boolean backendFailClosed, Set<String> failClosedHosts, boolean regexPaths,
                    boolean nginxQuirks) {

        /** The policy of this Ingress's routes on {@code host}. */
        RoutePolicy policyFor(String host) {
            boolean redirect = annotations.forceSslRedirect()
                    || !Boolean.FALSE.equals(annotations.sslRedirect()) && tlsHosts.contains(host);
            return annotations.route().toBuilder().httpsRedirect(redirect ? Boolean.TRUE : null)
                    .basicAuth(users.basic()).digestAuth(users.digest()).build();
        }

        /**
         * The filters of this Ingress's route for a path as written: its redirect, or the rewrite of a path
         * other than the target (nginx's {@code rewrite "(?i)path" target}) with its X-Forwarded-Prefix.
         *
         * @throws IllegalArgumentException when the path cannot be the rewrite's regular expression
         */
        List<RouteFilter> filtersFor(String path) {
            IngressSettings.Paths p = annotations.paths();
            if (backendFailClosed) {
                return List.of();
            }
            if (p.redirect() != null) {
                return List.of(p.redirect());
            }
            return withHeaders(rewriteFor(path, p));
        }

        /** {@code filters} with the Ingress's header filters (custom-headers, proxy-set-headers, hide-headers). */
        private List<RouteFilter> withHeaders(List<RouteFilter> filters) {
            if (annotations.headers().isEmpty()) {
                return filters;
            }
            List<RouteFilter> all = new ArrayList<>();
            RouteFilter.RequestHeaderModifier prefix = null;
            for (RouteFilter f : filters) {
                if (f instanceof RouteFilter.RequestHeaderModifier m) {
                    prefix = m;
                } else {
                    all.add(f);
                }
            }
            for (RouteFilter f : annotations.headers()) {
                if (f instanceof RouteFilter.RequestHeaderModifier m && prefix != null) {
                    List<RouteFilter.Header> ours = prefix.set();
                    List<RouteFilter.Header> set = new ArrayList<>(m.set());
                    set.removeIf(h -> ours.stream().anyMatch(x -> x.name().equalsIgnoreCase(h.name())));
                    set.addAll(ours);
                    all.add(new RouteFilter.RequestHeaderModifier(set, null, null));
                    prefix = null;
                } else {
                    all.add(f);
                }
            }
            if (prefix != null) {
                all.add(prefix);
            }
            return List.copyOf(all);
        }

        private List<RouteFilter> rewriteFor(String path, IngressSettings.Paths p) {
            String vhost = annotations.host().upstreamVhost();
            if (p.rewriteTarget() == null || p.rewriteTarget().equals(path)) {
                return vhost == null ? List.of() : List.of(new RouteFilter.URLRewrite(vhost, null));
            }
            RouteFilter rewrite = new RouteFilter.URLRewrite(vhost, PathModifier.regex("(?i)" + path,
                    p.rewriteTarget()));
            if (p.forwardedPrefix() == null) {
                return List.of(rewrite);
            }
            return List.of(rewrite, new RouteFilter.RequestHeaderModifier(
                    List.of(new RouteFilter.Header("X-Forwarded-Prefix", p.forwardedPrefix())), null, null));
        }
    }

    private RouteAction resolveBackend(String object, String namespace, IngressBackend backend, String field) {
        if (current.backendFailClosed()) {
            return BackendResolver.UNAVAILABLE;
        }
        IngressSettings a = current.annotations();
        return backends.resolve(object, namespace, backend, field, diagnostics, a.protocol(), current.upstreamTls(),
                a.cluster());
    }

    /** The hosts of an Ingress's rules (lower case, without the catch-all). */
    private static List<String> ruleHosts(IngressSpec spec) {
        List<String> hosts = new ArrayList<>();
        for (IngressRule rule : spec.getRules() == null ? List.<IngressRule>of() : spec.getRules()) {
            if (rule.getHost() != null && !rule.getHost().isEmpty()) {
                hosts.add(rule.getHost().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return hosts;
    }

    /**
     * Reads {@code spec.tls}: each Secret's certificate, checked, for the hosts it lists (all the rules' hosts
     * when it lists none). A host keeps the certificate of the oldest Ingress that names it.
     *
     * @return the hosts this Ingress says are served over TLS
     */
    private Set<String> addTls(Ingress ingress, IngressSpec spec, String object, String namespace) {
        Set<String> tlsHosts = new TreeSet<>();
        List<IngressTLS> sections = spec.getTls() == null ? List.of() : spec.getTls();
        for (int i = 0; i < sections.size(); i++) {
            IngressTLS t = sections.get(i);
            String field = "spec.tls[" + i + "]";
            List<String> hosts = t.getHosts() == null || t.getHosts().isEmpty() ? ruleHosts(spec)
                    : t.getHosts().stream().map(h -> h.toLowerCase(java.util.Locale.ROOT)).toList();
            tlsHosts.addAll(hosts);
            if (t.getSecretName() == null || t.getSecretName().isEmpty()) {
                diagnostics.add(Diagnostic.warning(object, field + ".secretName",
                        "no secretName: " + hosts + " get the default certificate"));
                continue;
            }
            table.certificates().use(object, namespace + "/" + t.getSecretName(), hosts, field + ".secretName",
                    field + ".hosts", diagnostics);
        }
        return tlsHosts;
    }

    /**
     * The users of Basic ({@link BasicAuth}) or Digest ({@link DigestAuth}) authentication, from the Secret
     * {@code auth-secret} names; null when not asked for, or when the Secret cannot be used (an error, and
     * {@code failClosed}: the routes answer 503, never serve every client).
     */
    private Users users(String object, IngressSettings.Auth a, boolean[] failClosed) {
        if (a.basicSecret() == null || a.failClosed()) {
            return Users.NONE;
        }
        String field = "metadata.annotations['" + a.basicSecretKey() + "']";
        try {
            Map<String, String> data = table.tlsSecrets().data(a.basicSecret());
            if (a.digest()) {
                return new Users(null, new DigestAuth(a.realm(), PasswordSecret.digestUsers(a.basicSecret(), data,
                        a.realm(), object, field, diagnostics)));
            }
            return new Users(new BasicAuth(a.realm(), PasswordSecret.users(a.basicSecret(), data, a.basicMap(),
                    object, field, diagnostics)), null);
        } catch (IllegalArgumentException e) {
            diagnostics.add(Diagnostic.error(object, field, e.getMessage() + "; the Ingress's routes answer 503 "
                    + "rather than serve clients that were meant to authenticate"));
            failClosed[0] = true;
            return Users.NONE;
        }
    }

    /** Verification of TLS backends, from the CA Secret an annotation names; null when not asked for. */
    private Cluster.UpstreamTls upstreamTls(String object, IngressSettings a, boolean[] failClosed) {
        if (!a.protocol().tls()) {
            return null;
        }
        if (a.backendCaSecret() != null && a.backendVerify()) {
            try {
                return new Cluster.UpstreamTls(table.tlsSecrets().caBundle(a.backendCaSecret()), a.backendServerName());
            } catch (IllegalArgumentException e) {
                diagnostics.add(Diagnostic.error(object, "metadata.annotations['" + a.backendCaKey()
                        + "']", e.getMessage() + "; its routes answer 503 rather than talk to "
                        + "endpoints that cannot be verified"));
                failClosed[0] = true;
                return null;
            }
        }
        return a.backendServerName() == null ? null : new Cluster.UpstreamTls(null, a.backendServerName());
    }

    /**
     * Client certificates for this Ingress's TLS hosts, from the CA Secret an annotation names.
     *
     * @return hosts whose CA could not be read: their routes answer 503 rather than serve unverified clients
     */
    private Set<String> clientAuth(IngressSpec spec, String object, IngressSettings a, Set<String> tlsHosts) {
        if (a.clientCaSecret() == null) {
            return Set.of();
        }
        String field = "metadata.annotations['" + a.clientCaKey() + "']";
        ClientAuth auth = null;
        try {
            auth = new ClientAuth(table.tlsSecrets().caBundle(a.clientCaSecret()), a.clientCertRequired());
        } catch (IllegalArgumentException e) {
            diagnostics.add(Diagnostic.error(object, field, e.getMessage()
                    + "; its TLS hosts answer 503 rather than serve clients that cannot be verified"));
        }
        Set<String> failClosed = new TreeSet<>();
        if (auth == null) {
            table.clientAuthFailed(ruleHosts(spec).stream().filter(tlsHosts::contains).toList());
        }
        for (String h : ruleHosts(spec)) {
            if (!tlsHosts.contains(h)) {
                diagnostics.add(Diagnostic.warning(object, field, "host " + h + " has no TLS (spec.tls), so no "
                        + "client certificate can be asked for it"));
                continue;
            }
            if (auth == null) {
                failClosed.add(h);
                continue;
            }
            ClientAuth existing = table.clientAuth(h);
            if (existing == null) {
                table.clientAuth(h, auth, object);
            } else if (!existing.equals(auth)) {
                diagnostics.add(Diagnostic.warning(object, field, "host " + h + " already asks for client "
                        + "certificates as " + table.clientAuthOwner(h) + " (older) says; this one is not used"));
            }
        }
        return failClosed;
    }

    private static String namespace(Ingress ingress) {
        return Compiler.namespace(ingress);
    }

    private static String objectName(Ingress ingress) {
        return Compiler.objectName(ingress);
    }

    /** A canary Ingress and its annotations, waiting for every other Ingress to be compiled. */
    record PendingCanary(Ingress ingress, IngressSettings annotations) {
    }

    /** Where ingress-nginx looks for a canary path's main route: one host, pathType and path as written. */
    private record PathKey(String host, String pathType, String path) {
    }

    /** The users of an Ingress's Basic or Digest authentication (both null: none). */
    record Users(BasicAuth basic, DigestAuth digest) {
        static final Users NONE = new Users(null, null);
    }

    /** The route of an Ingress path that is not a canary, and its Ingress's settings. */
    record MainRoute(Route route, Settings settings) {
    }

}
