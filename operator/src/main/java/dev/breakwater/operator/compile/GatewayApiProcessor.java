package dev.breakwater.operator.compile;

import dev.breakwater.operator.cluster.GatewayApiObjects;
import dev.breakwater.operator.crd.FilterSpec;
import dev.breakwater.operator.gatewayapi.TcpRoute;
import dev.breakwater.operator.gatewayapi.TlsRoute;
import dev.breakwater.operator.gatewayapi.UdpRoute;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Cors;
import dev.breakwater.routing.L4Policy;
import dev.breakwater.routing.L4Route;
import dev.breakwater.routing.ListenerPort;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.RequestMirror;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutePolicy;
import dev.breakwater.routing.VirtualHost;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the Gateway API objects that are ours into the {@link TableBuilder}: the listeners of the Gateways of our
 * GatewayClasses ({@link GatewayListeners}), then each HTTPRoute and GRPCRoute, in the one age order of all objects,
 * attached to the listeners its parentRefs select and its namespace and kind are allowed on. Its hostnames are
 * intersected with each listener's ({@link ListenerHostnames}); each match of each rule becomes a route on every
 * host so found, placed by {@link RouteCandidate#PRECEDENCE} beside the routes of Ingresses and Routes; filters go
 * through {@link RouteFilters} as a Route's do, backendRefs through {@link HttpRouteRules#backends}. A GRPCRoute's
 * rules are first written as HTTPRoute rules ({@link GrpcRouteRules}: a method match is a match on the path {@code
 * /service/method}) and its backends are spoken to in HTTP/2 cleartext (h2c). At the end, each HTTPS listener's
 * certificate serves its hostname (or, without one, the hosts of the routes it serves), and the status facts ({@link
 * GatewayApiStatus}) go to the table.
 *
 * <p>TLSRoutes, TCPRoutes and UDPRoutes attach in the same way (parentRefs, allowedRoutes, a TLSRoute's hostnames
 * intersected with its listener's as SNI names) to TLS, TCP and UDP listeners, whose one rule's backendRefs become an
 * L4 route ({@link GatewayL4Routes}) on the listener's data-plane port: the Gateway's own port, or the listener's port
 * itself (a TLS listener on the shared HTTPS port: that port's passthrough hosts) when Gateways have no Service of
 * their own. They go to the {@link L4Processor} beside the other L4 listeners.
 */
final class GatewayApiProcessor implements Processor {

    private final TableBuilder table;
    private final GatewayApiObjects objects;
    private final GatewayListeners listeners;
    private final ReferenceGrants grants;
    private final List<GatewayApiStatus.HttpRouteReport> routeReports = new ArrayList<>();
    private final GatewayPorts ports;
    /** Each Gateway's own data-plane ports and Service, or null when Gateways have none. */
    private final GatewayServicePlan plan;
    private final Map<String, Service> services;
    private final GatewayL4Routes l4 = new GatewayL4Routes();
    private final BackendTlsPolicies backendTls;

    /** @param services the snapshot's Services by {@code namespace/name} (a Gateway's own Service among them) */
    GatewayApiProcessor(TableBuilder table, GatewayApiObjects objects, GatewayPorts ports,
                        Map<String, Service> services) {
        this.table = table;
        this.objects = objects;
        this.ports = ports;
        this.services = services;
        this.grants = new ReferenceGrants(objects.referenceGrants());
        this.backendTls = new BackendTlsPolicies(objects.backendTlsPolicies(), objects.caConfigMaps(),
                table.diagnostics());
        this.listeners = new GatewayListeners(objects, ports, grants, table.tlsSecrets());
        this.plan = ports.services() == null ? null : new GatewayServicePlan(ports.services(),
                List.copyOf(listeners.gateways().values()), services, table);
    }

    /** True when the (HTTP or HTTPS) listener is also served on the data planes' shared port of its protocol. */
    private boolean onSharedPort(GatewayListeners.ListenerModel l) {
        return l.port != null && !GatewayListeners.isL4(l.protocol)
                && l.port == (l.protocol.equals("HTTPS") ? ports.https() : ports.http());
    }

    /** The routes of every kind to compile: every named one, when some Gateway is ours (else none). */
    List<HasMetadata> routes() {
        if (listeners.gateways().isEmpty()) {
            return List.of();
        }
        List<HasMetadata> out = new ArrayList<>(objects.httpRoutes());
        out.addAll(objects.grpcRoutes());
        out.addAll(objects.tlsRoutes());
        out.addAll(objects.tcpRoutes());
        out.addAll(objects.udpRoutes());
        return out.stream().filter(r -> r.getMetadata() != null && r.getMetadata().getName() != null).toList();
    }

    @Override
    public void add(HasMetadata object, int rank) {
        if (object instanceof HTTPRoute route) {
            add(route, rank);
        } else if (object instanceof GRPCRoute route) {
            add(route, rank);
        } else if (object instanceof TlsRoute route) {
            var spec = route.getSpec();
            addL4(context(GatewayListeners.TLS_ROUTE, route, rank), GatewayListeners.TLS_ROUTE, route,
                    spec == null ? null : spec.getParentRefs(), spec == null ? null : spec.getHostnames(),
                    spec == null ? List.of() : ruleRefs(spec.getRules(), r -> r.getBackendRefs()));
        } else if (object instanceof TcpRoute route) {
            var spec = route.getSpec();
            addL4(context(GatewayListeners.TCP_ROUTE, route, rank), GatewayListeners.TCP_ROUTE, route,
                    spec == null ? null : spec.getParentRefs(), null,
                    spec == null ? List.of() : ruleRefs(spec.getRules(), r -> r.getBackendRefs()));
        } else if (object instanceof UdpRoute route) {
            var spec = route.getSpec();
            addL4(context(GatewayListeners.UDP_ROUTE, route, rank), GatewayListeners.UDP_ROUTE, route,
                    spec == null ? null : spec.getParentRefs(), null,
                    spec == null ? List.of() : ruleRefs(spec.getRules(), r -> r.getBackendRefs()));
        }
    }

    /**
     * A TLSRoute, TCPRoute or UDPRoute ({@code kind}): attached as an HTTPRoute is, its first rule's backendRefs
     * (the spec allows one rule) one L4 route on each listener it is accepted on; its status as an HTTPRoute's.
     */
    /** Each rule's backendRefs, in order (null for a null rule); none without rules. */
    private static <R> List<List<BackendRef>> ruleRefs(List<R> rules,
                                                       java.util.function.Function<R, List<BackendRef>> refs) {
        return rules == null ? List.of() : rules.stream().map(r -> r == null ? null : refs.apply(r)).toList();
    }

    private void addL4(RouteContext c, String kind, HasMetadata route, List<ParentReference> writtenParents,
                       List<String> written, List<List<BackendRef>> rules) {
        List<String> hostnames = hostnames(c, written);
        boolean noUsableHostname = hostnames.isEmpty() && written != null && !written.isEmpty();
        List<GatewayApiStatus.ParentReport> parents = new ArrayList<>();
        List<GatewayListeners.ListenerModel> served = new ArrayList<>();
        List<List<String>> servedHosts = new ArrayList<>();
        List<GatewayListeners.ListenerModel> counted = new ArrayList<>();
        for (ParentReference p : writtenParents == null ? List.<ParentReference>of() : writtenParents) {
            GatewayListeners.GatewayModel gateway = gatewayOf(p, c.namespace);
            if (gateway != null) {
                GatewayApiStatus.ParentRef ref = new GatewayApiStatus.ParentRef(p.getGroup(), p.getKind(),
                        p.getNamespace(), p.getName(), p.getSectionName(), p.getPort());
                parents.add(parent(kind, ref, gateway, c.namespace, hostnames, new LinkedHashSet<>(), served,
                        servedHosts, counted));
            }
        }
        if (parents.isEmpty()) {
            return;
        }
        String[] rejected = noUsableHostname ? new String[] {"UnsupportedValue",
                "spec.hostnames: none is a valid hostname; nothing of the " + kind + " is served"} : null;
        for (int i = 1; i < rules.size(); i++) {
            c.error("spec.rules[" + i + "]", "a " + kind + " has one rule; this one is left out");
        }
        List<HTTPBackendRef> refs = new ArrayList<>();
        for (BackendRef b : rules.isEmpty() || rules.get(0) == null ? List.<BackendRef>of() : rules.get(0)) {
            refs.add(new HTTPBackendRefBuilder().withGroup(b.getGroup()).withKind(b.getKind()).withName(b.getName())
                    .withNamespace(b.getNamespace()).withPort(b.getPort()).withWeight(b.getWeight()).build());
        }
        HttpRouteRules.Backends backends = HttpRouteRules.backends(c, "spec.rules[0]", refs, table.backends(), grants,
                kind, Cluster.Protocol.HTTP1);
        if (rejected == null) {
            counted.forEach(l -> l.attachedRoutes++);
            List<RouteAction.BackendRef> to = backends.action() instanceof RouteAction.Forward f ? f.backends()
                    : List.of(new RouteAction.BackendRef(table.backends().unavailableCluster(c.namespace + "/"
                    + c.name + "|" + kind + "|unresolved"), 1));
            for (int k = 0; k < served.size(); k++) {
                GatewayListeners.ListenerModel l = served.get(k);
                ListenerPort own = plan == null ? null : plan.port(l);
                int port = own != null ? own.port() : l.port;
                L4Route l4Route = new L4Route(c.namespace + "/" + c.name + "#" + kind + "@" + port, c.object, to,
                        L4Policy.DEFAULTS);
                if (own == null && l.protocol.equals("TLS") && l.port == ports.https()) {
                    l4.addHttpsPassthrough(servedHosts.get(k), l4Route);
                } else if (!l4.add(l.protocol, port, l.gateway.object + "#" + l.name, servedHosts.get(k), l4Route)) {
                    table.error(l.gateway.object, l.field() + ".port", "port " + port + " is already a listener of "
                            + "another Gateway's (older); " + kind + " " + c.namespace + "/" + c.name
                            + " is not served here");
                }
            }
        }
        RouteStatusReport.Condition resolved = backends.reason() == null
                ? condition(RouteStatusReport.RESOLVED_REFS, true, "ResolvedRefs", "every backendRef was resolved")
                : condition(RouteStatusReport.RESOLVED_REFS, false, backends.reason(), backends.message());
        List<GatewayApiStatus.ParentReport> reports = new ArrayList<>();
        for (GatewayApiStatus.ParentReport p : parents) {
            RouteStatusReport.Condition accepted = p.accepted();
            if (rejected != null && accepted.status()) {
                accepted = condition(RouteStatusReport.ACCEPTED, false, rejected[0], rejected[1]);
            }
            reports.add(new GatewayApiStatus.ParentReport(p.ref(), accepted, resolved));
        }
        routeReports.add(new GatewayApiStatus.HttpRouteReport(kind, c.namespace, c.name,
                route.getMetadata().getGeneration(), reports));
    }

    /** The Gateway of ours a parentRef names, or null (not a parent of ours: its controller writes that status). */
    private GatewayListeners.GatewayModel gatewayOf(ParentReference p, String namespace) {
        String group = p.getGroup() == null ? ReferenceGrants.GATEWAY_GROUP : p.getGroup();
        String parentKind = p.getKind() == null ? "Gateway" : p.getKind();
        String gatewayNamespace = p.getNamespace() == null || p.getNamespace().isEmpty() ? namespace
                : p.getNamespace();
        return group.equals(ReferenceGrants.GATEWAY_GROUP) && parentKind.equals("Gateway")
                ? listeners.gateways().get(gatewayNamespace + "/" + p.getName()) : null;
    }

    /** The route's valid hostnames, lower case; an invalid one is reported and left out. */
    private static List<String> hostnames(RouteContext c, List<String> written) {
        List<String> hostnames = new ArrayList<>();
        if (written != null) {
            for (int i = 0; i < written.size(); i++) {
                String h = written.get(i) == null ? "" : written.get(i).toLowerCase(Locale.ROOT);
                String problem = HostName.problem(h);
                if (problem != null) {
                    c.error("spec.hostnames[" + i + "]", problem + "; left out");
                } else {
                    hostnames.add(h);
                }
            }
        }
        return hostnames;
    }

    /** The L4 listeners and shared-HTTPS passthrough hosts of the TLS, TCP and UDP listeners. */
    GatewayL4Routes l4() {
        return l4;
    }

    private void add(HTTPRoute route, int rank) {
        RouteContext c = context(GatewayListeners.HTTP_ROUTE, route, rank);
        boolean spec = route.getSpec() != null;
        add(c, GatewayListeners.HTTP_ROUTE, route, spec ? route.getSpec().getParentRefs() : null,
                spec ? route.getSpec().getHostnames() : null, spec ? route.getSpec().getRules() : null,
                Cluster.Protocol.HTTP1);
    }

    /** A GRPCRoute: its rules as HTTPRoute rules ({@link GrpcRouteRules}), its backends spoken to in h2c. */
    private void add(GRPCRoute route, int rank) {
        RouteContext c = context(GatewayListeners.GRPC_ROUTE, route, rank);
        boolean spec = route.getSpec() != null;
        add(c, GatewayListeners.GRPC_ROUTE, route, spec ? route.getSpec().getParentRefs() : null,
                spec ? route.getSpec().getHostnames() : null,
                spec ? GrpcRouteRules.rules(c, route.getSpec().getRules()) : null, Cluster.Protocol.H2C);
    }

    private RouteContext context(String kind, HasMetadata route, int rank) {
        String namespace = Compiler.namespace(route);
        String name = route.getMetadata().getName();
        return new RouteContext(kind + "/" + namespace + "/" + name, namespace, name, rank, table.diagnostics(),
                backendTls);
    }

    private void add(RouteContext c, String kind, HasMetadata route, List<ParentReference> writtenParents,
                     List<String> written, List<HTTPRouteRule> writtenRules, Cluster.Protocol protocol) {
        String namespace = c.namespace;
        String name = c.name;
        List<ParentReference> parentRefs = writtenParents == null ? List.of() : writtenParents;
        List<String> hostnames = hostnames(c, written);
        boolean noUsableHostname = hostnames.isEmpty() && written != null && !written.isEmpty();
        List<GatewayApiStatus.ParentReport> parents = new ArrayList<>();
        Set<String> acceptedBy = new LinkedHashSet<>();
        Set<String> hosts = new LinkedHashSet<>();
        List<GatewayListeners.ListenerModel> served = new ArrayList<>();
        List<List<String>> servedHosts = new ArrayList<>();
        List<GatewayListeners.ListenerModel> counted = new ArrayList<>();
        for (ParentReference p : parentRefs) {
            GatewayListeners.GatewayModel gateway = gatewayOf(p, namespace);
            if (gateway == null) {
                continue; // not a parent of ours: its controller writes that status
            }
            GatewayApiStatus.ParentRef ref = new GatewayApiStatus.ParentRef(p.getGroup(), p.getKind(),
                    p.getNamespace(), p.getName(), p.getSectionName(), p.getPort());
            GatewayApiStatus.ParentReport report = parent(kind, ref, gateway, namespace, hostnames, hosts, served,
                    servedHosts, counted);
            parents.add(report);
            if (report.accepted().status()) {
                acceptedBy.add(gateway.namespace + "/" + gateway.name);
            }
        }
        if (parents.isEmpty()) {
            return;
        }
        List<HTTPRouteRule> rules = writtenRules == null ? List.of() : writtenRules;
        String resolvedReason = null;
        String resolvedMessage = null;
        String[] rejected = noUsableHostname ? new String[] {"UnsupportedValue",
                "spec.hostnames: none is a valid hostname; nothing of the " + kind + " is served"} : null;
        String incompatible = rejected == null ? incompatible(c, rules) : null;
        if (incompatible != null) {
            rejected = new String[] {"IncompatibleFilters", incompatible};
        }
        // the hosts of each listener port the route's Gateways have of their own
        Map<ListenerPort, Set<String>> own = new java.util.LinkedHashMap<>();
        for (int k = 0; k < served.size() && plan != null; k++) {
            ListenerPort port = plan.port(served.get(k));
            if (port != null) {
                own.computeIfAbsent(port, p -> new LinkedHashSet<>()).addAll(servedHosts.get(k));
            }
        }
        // hosts only HTTPS listeners take are not served in clear: plain HTTP requests for them are redirected
        Set<String> plain = new HashSet<>();
        for (int k = 0; k < served.size(); k++) {
            if (served.get(k).protocol.equals("HTTP")) {
                plain.addAll(servedHosts.get(k));
            }
        }
        if (rejected == null) {
            // a listener counts the routes attached to it that are accepted (their hostnames intersect), whether
            // or not it serves them (one with an unusable certificate still counts)
            counted.forEach(l -> l.attachedRoutes++);
        }
        if (rejected == null) {
            usedServices(namespace, rules, acceptedBy);
        }
        if ((!hosts.isEmpty() || !own.isEmpty()) && rejected == null) {
            for (int i = 0; i < rules.size(); i++) {
                HttpRouteRules.Backends b = addRule(c, kind, protocol, i, rules.get(i), List.copyOf(hosts), plain,
                        own);
                if (resolvedReason == null && b.reason() != null) {
                    resolvedReason = b.reason();
                    resolvedMessage = b.message();
                }
            }
            for (int k = 0; k < served.size(); k++) {
                served.get(k).routeHosts.addAll(servedHosts.get(k));
            }
        } else {
            // nothing is served, but ResolvedRefs still says whether its backendRefs could be
            for (int i = 0; i < rules.size() && resolvedReason == null; i++) {
                HTTPRouteRule rule = rules.get(i);
                if (rule.getFilters() != null && rule.getFilters().stream()
                        .anyMatch(f -> "RequestRedirect".equals(f.getType()))) {
                    continue;
                }
                HttpRouteRules.Backends b = HttpRouteRules.backends(c, "spec.rules[" + i + "]", rule.getBackendRefs(),
                        table.backends(), grants, kind, protocol);
                resolvedReason = b.reason();
                resolvedMessage = b.message();
            }
        }
        RouteStatusReport.Condition resolved = resolvedReason == null
                ? condition(RouteStatusReport.RESOLVED_REFS, true, "ResolvedRefs", "every backendRef was resolved")
                : condition(RouteStatusReport.RESOLVED_REFS, false, resolvedReason, resolvedMessage);
        List<GatewayApiStatus.ParentReport> reports = new ArrayList<>();
        for (GatewayApiStatus.ParentReport p : parents) {
            RouteStatusReport.Condition accepted = p.accepted();
            if (rejected != null && accepted.status()) {
                accepted = condition(RouteStatusReport.ACCEPTED, false, rejected[0], rejected[1]);
            }
            reports.add(new GatewayApiStatus.ParentReport(p.ref(), accepted, resolved));
        }
        routeReports.add(new GatewayApiStatus.HttpRouteReport(kind, namespace, name,
                route.getMetadata().getGeneration(), reports));
    }

    /**
     * The Services the rules' backendRefs and mirrors send to, for the BackendTLSPolicies that target them: the
     * Gateways that accepted the route are those policies' ancestors.
     */
    private void usedServices(String namespace, List<HTTPRouteRule> rules, Set<String> gateways) {
        if (gateways.isEmpty()) {
            return;
        }
        for (HTTPRouteRule rule : rules) {
            if (rule == null) {
                continue;
            }
            for (HTTPBackendRef r : rule.getBackendRefs() == null ? List.<HTTPBackendRef>of()
                    : rule.getBackendRefs()) {
                usedService(namespace, r.getGroup(), r.getKind(), r.getNamespace(), r.getName(), r.getPort(),
                        gateways);
            }
            for (HTTPRouteFilter f : rule.getFilters() == null ? List.<HTTPRouteFilter>of() : rule.getFilters()) {
                if (f != null && f.getRequestMirror() != null && f.getRequestMirror().getBackendRef() != null) {
                    var m = f.getRequestMirror().getBackendRef();
                    usedService(namespace, m.getGroup(), m.getKind(), m.getNamespace(), m.getName(), m.getPort(),
                            gateways);
                }
            }
        }
    }

    private void usedService(String namespace, String group, String kind, String refNamespace, String name,
                             Integer port, Set<String> gateways) {
        if ((group != null && !group.isEmpty()) || (kind != null && !kind.equals("Service")) || name == null
                || port == null) {
            return;
        }
        String ns = refNamespace == null || refNamespace.isEmpty() ? namespace : refNamespace;
        String portName = HttpRouteRules.portName(services.get(ns + "/" + name), port);
        gateways.forEach(g -> backendTls.used(ns, name, portName, g));
    }

    /** Attaches the route to the listeners {@code ref} selects; its hosts there go to {@code hosts}. */
    private GatewayApiStatus.ParentReport parent(String kind, GatewayApiStatus.ParentRef ref,
                                                 GatewayListeners.GatewayModel gateway,
                                                 String namespace, List<String> hostnames, Set<String> hosts,
                                                 List<GatewayListeners.ListenerModel> served,
                                                 List<List<String>> servedHosts,
                                                 List<GatewayListeners.ListenerModel> counted) {
        RouteStatusReport.Condition pendingResolved = condition(RouteStatusReport.RESOLVED_REFS, true,
                "ResolvedRefs", "");
        if (gateway.problem != null) {
            return new GatewayApiStatus.ParentReport(ref, condition(RouteStatusReport.ACCEPTED, false,
                    "NoMatchingParent", "Gateway " + gateway.namespace + "/" + gateway.name + " is not accepted: "
                    + gateway.problem[1]), pendingResolved);
        }
        List<GatewayListeners.ListenerModel> selected = gateway.listeners.stream()
                .filter(l -> ref.sectionName() == null || ref.sectionName().equals(l.name))
                .filter(l -> ref.port() == null || ref.port().equals(l.port)).toList();
        if (selected.isEmpty()) {
            return new GatewayApiStatus.ParentReport(ref, condition(RouteStatusReport.ACCEPTED, false,
                    "NoMatchingParent", "no listener of Gateway " + gateway.namespace + "/" + gateway.name
                    + (ref.sectionName() == null ? "" : " is named " + ref.sectionName())
                    + (ref.port() == null ? "" : (ref.sectionName() == null ? "" : " and") + " has port " + ref.port())),
                    pendingResolved);
        }
        List<GatewayListeners.ListenerModel> attached = selected.stream()
                .filter(l -> listeners.allowsNamespace(l, namespace) && l.kinds.contains(kind))
                .toList();
        if (attached.isEmpty()) {
            return new GatewayApiStatus.ParentReport(ref, condition(RouteStatusReport.ACCEPTED, false,
                    "NotAllowedByListeners", "the allowedRoutes of the selected listeners of Gateway "
                    + gateway.namespace + "/" + gateway.name + " do not let " + kind + "s of namespace " + namespace
                    + " attach"), pendingResolved);
        }
        boolean anyServing = false;
        boolean anyHost = false;
        for (GatewayListeners.ListenerModel l : attached) {
            List<String> found = ListenerHostnames.intersect(l.hostname, hostnames);
            if (!found.isEmpty()) {
                counted.add(l);
            }
            if (!l.serves()) {
                continue;
            }
            anyServing = true;
            if (!found.isEmpty()) {
                anyHost = true;
                if (onSharedPort(l)) {
                    hosts.addAll(found);
                }
                served.add(l);
                servedHosts.add(found);
            }
        }
        if (!anyServing) {
            return new GatewayApiStatus.ParentReport(ref, condition(RouteStatusReport.ACCEPTED, false,
                    "NoMatchingParent", "the listeners it attaches to are not served (see the Gateway's listener "
                    + "status)"), pendingResolved);
        }
        if (!anyHost) {
            return new GatewayApiStatus.ParentReport(ref, condition(RouteStatusReport.ACCEPTED, false,
                    "NoMatchingListenerHostname", "none of the hostnames " + hostnames + " goes with the hostnames of "
                    + "the listeners it attaches to"), pendingResolved);
        }
        return new GatewayApiStatus.ParentReport(ref, condition(RouteStatusReport.ACCEPTED, true, "Accepted",
                "attached to " + attached.stream().map(l -> l.name).toList()), pendingResolved);
    }

    /**
     * Why the route is not accepted for its filters (a rule that both redirects and rewrites: the spec's
     * {@code IncompatibleFilters}), reported at the rule; null when its filters go together.
     */
    private static String incompatible(RouteContext c, List<HTTPRouteRule> rules) {
        for (int i = 0; i < rules.size(); i++) {
            List<HTTPRouteFilter> filters = rules.get(i).getFilters() == null ? List.of() : rules.get(i).getFilters();
            boolean redirect = filters.stream().anyMatch(f -> "RequestRedirect".equals(f.getType()));
            boolean rewrite = filters.stream().anyMatch(f -> "URLRewrite".equals(f.getType()));
            if (redirect && rewrite) {
                String field = "spec.rules[" + i + "].filters";
                String reason = "a rule either redirects (RequestRedirect) or rewrites (URLRewrite), not both; the "
                        + "HTTPRoute is not served";
                c.error(field, reason);
                return field + ": " + reason;
            }
        }
        return null;
    }

    private HttpRouteRules.Backends addRule(RouteContext c, String kind, Cluster.Protocol protocol, int i,
                                            HTTPRouteRule rule, List<String> hosts, Set<String> plainHosts,
                                            Map<ListenerPort, Set<String>> own) {
        String field = "spec.rules[" + i + "]";
        List<FilterSpec> filterSpecs = new ArrayList<>();
        boolean unsupported = false;
        List<HTTPRouteFilter> filters = rule.getFilters() == null ? List.of() : rule.getFilters();
        RequestMirror mirror = null;
        HttpRouteMirror.Result mirrorProblem = null;
        Cors cors = null;
        for (int j = 0; j < filters.size(); j++) {
            String filterField = field + ".filters[" + j + "]";
            if ("RequestMirror".equals(filters.get(j).getType())) {
                if (mirror != null) {
                    c.error(filterField + ".type", "Breakwater mirrors to one backend per rule; a second "
                            + "RequestMirror filter is not supported; requests of this rule get 500");
                    unsupported = true;
                } else {
                    HttpRouteMirror.Result m = HttpRouteMirror.read(c, filterField + ".requestMirror",
                            filters.get(j).getRequestMirror(), table.backends(), grants, kind, protocol);
                    unsupported |= m.unsupported();
                    mirror = m.mirror();
                    mirrorProblem = m.reason() == null ? null : m;
                }
                continue;
            }
            if ("CORS".equals(filters.get(j).getType())) {
                if (cors != null) {
                    c.error(filterField + ".type", "a rule takes one CORS filter; requests of this rule get 500");
                    unsupported = true;
                } else {
                    HttpRouteCors.Result read = HttpRouteCors.read(c, filterField + ".cors", filters.get(j).getCors());
                    unsupported |= read.unusable();
                    cors = read.cors();
                }
                continue;
            }
            FilterSpec spec = HttpRouteRules.filter(c, filterField, filters.get(j));
            if (spec == null) {
                unsupported = true;
            } else {
                filterSpecs.add(spec);
            }
        }
        RouteFilters access = RouteFilters.read(field, filterSpecs, null, null, c::error,
                (f, text) -> RoutePolicies.seconds(c, f, text));
        HttpRouteRules.Backends backends = access.redirects()
                ? new HttpRouteRules.Backends(RouteProcessor.REDIRECT_ONLY, null, null)
                : HttpRouteRules.backends(c, field, rule.getBackendRefs(), table.backends(), grants, kind, protocol);
        if (mirrorProblem != null && backends.reason() == null) {
            backends = new HttpRouteRules.Backends(backends.action(), mirrorProblem.reason(), mirrorProblem.message());
        }
        RouteAction action = backends.action();
        if (access.failClosed()) {
            action = RouteProcessor.FAIL_CLOSED;
        }
        if (unsupported) {
            action = HttpRouteRules.UNSUPPORTED_FILTER;
        }
        String label = rule.getName() != null && !rule.getName().isEmpty() ? rule.getName() : String.valueOf(i);
        RoutePolicy timed = timeouts(c, field, rule.getTimeouts());
        if (mirror != null && action instanceof RouteAction.Forward) {
            timed = timed.toBuilder().mirror(mirror).build();
        }
        if (cors != null) {
            timed = timed.toBuilder().cors(cors).build();
        }
        List<HTTPRouteMatch> matches = rule.getMatches() == null ? List.of() : rule.getMatches();
        for (int m = 0; m < Math.max(1, matches.size()); m++) {
            String matchField = matches.isEmpty() ? field : field + ".matches[" + m + "]";
            RouteMatch match = matches.isEmpty() ? RouteMatch.path(PathMatch.prefix("/"))
                    : HttpRouteRules.match(c, matchField, matches.get(m));
            if (match == null) {
                continue;
            }
            RouteAction matchAction = action;
            List<RouteFilter> routeFilters = unsupported ? List.of() : access.filters();
            if (access.prefixField() != null && match.path().type() != PathMatch.Type.PREFIX) {
                c.error(access.prefixField(), "ReplacePrefixMatch needs PathPrefix matches; matches[" + m
                        + "] answers 503");
                matchAction = RouteProcessor.FAIL_CLOSED;
                routeFilters = List.of();
            }
            for (String host : hosts) {
                if (!table.routes().claim(host, match, c.object, matchField, table.diagnostics())) {
                    continue;
                }
                String name = table.routes().uniqueName(c.namespace + "/" + c.name + ":" + host
                        + match.path().value() + "#" + label, match.path().type());
                RoutePolicy policy = plainHosts.contains(host) ? timed : timed.withHttpsRedirect(true);
                Route route;
                try {
                    route = new Route(name, c.object, match, matchAction, policy, routeFilters);
                } catch (IllegalArgumentException e) {
                    c.error(field + ".filters", e.getMessage() + "; the rule answers 503");
                    route = new Route(name, c.object, match, RouteProcessor.FAIL_CLOSED, policy);
                }
                table.routes().add(host, new RouteCandidate(route, c.rank, i, m));
                table.multiLabelWildcard(host);
            }
            // a Gateway's own ports: its hosts alone, so a match another Gateway's route claims is no conflict here
            for (var e : own.entrySet()) {
                HostRoutes routes = table.listenerRoutes(e.getKey());
                for (String host : e.getValue()) {
                    if (!routes.claim(host, match, c.object, matchField, new ArrayList<>())) {
                        continue;
                    }
                    String name = table.routes().uniqueName(c.namespace + "/" + c.name + ":" + host
                            + match.path().value() + "#" + label + "@" + e.getKey().port(), match.path().type());
                    Route route;
                    try {
                        route = new Route(name, c.object, match, matchAction, timed, routeFilters);
                    } catch (IllegalArgumentException ex) {
                        route = new Route(name, c.object, match, RouteProcessor.FAIL_CLOSED, timed);
                    }
                    routes.add(host, new RouteCandidate(route, c.rank, i, m));
                    table.multiLabelWildcard(host);
                }
            }
        }
        return backends;
    }

    /**
     * A rule's {@code timeouts} on the data plane's response timeout (silence from the backend before the response head
     * and between reads of its body, answered 504 before the head): the shorter of {@code request} and {@code
     * backendRequest}. {@code 0s} (the spec's "no timeout") and an unusable duration leave the data plane's default.
     */
    private static RoutePolicy timeouts(RouteContext c, String field,
                                        io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteTimeouts t) {
        if (t == null) {
            return RoutePolicy.DEFAULTS;
        }
        Long request = RoutePolicies.millis(c, field + ".timeouts.request", t.getRequest(), true);
        Long backend = RoutePolicies.millis(c, field + ".timeouts.backendRequest", t.getBackendRequest(), true);
        Long shortest = null;
        for (Long ms : new Long[] {request, backend}) {
            if (ms != null && ms > 0 && (shortest == null || ms < shortest)) {
                shortest = ms;
            }
        }
        return shortest == null ? RoutePolicy.DEFAULTS
                : RoutePolicy.DEFAULTS.toBuilder().responseTimeoutMillis(shortest).build();
    }

    @Override
    public void finish() {
        for (GatewayListeners.GatewayModel g : listeners.gateways().values()) {
            for (GatewayListeners.ListenerModel l : g.listeners) {
                if (l.certificate == null || !l.serves()) {
                    continue;
                }
                // without a hostname, the listener takes every name: its certificate serves its routes' hostnames
                // and, as the catch-all certificate, every name no other certificate serves
                List<String> certHosts = l.hostname != null ? List.of(l.hostname) : List.of(VirtualHost.CATCH_ALL);
                if (l.hostname == null) {
                    certHosts = new ArrayList<>(certHosts);
                    certHosts.addAll(l.routeHosts.stream().filter(h -> !h.equals(VirtualHost.CATCH_ALL)).toList());
                }
                table.certificates().use(g.object, l.certificate, certHosts, l.field() + ".tls.certificateRefs",
                        l.field() + ".hostname", table.diagnostics());
            }
        }
        List<GatewayApiStatus.GatewayClassReport> classes = new ArrayList<>();
        for (GatewayClass c : listeners.classes().values()) {
            classes.add(new GatewayApiStatus.GatewayClassReport(c.getMetadata().getName(),
                    c.getMetadata().getGeneration(), condition("Accepted", true, "Accepted",
                    c.getSpec().getParametersRef() == null ? "served by Breakwater"
                            : "served by Breakwater; spec.parametersRef is not read")));
        }
        List<GatewayApiStatus.GatewayReport> gateways = new ArrayList<>();
        for (GatewayListeners.GatewayModel g : listeners.gateways().values()) {
            gateways.add(GatewayReports.report(g));
        }
        List<GatewayService> wanted = plan == null ? List.of() : plan.services();
        List<String> stale = new ArrayList<>();
        if (plan != null) {
            Set<String> names = new HashSet<>();
            wanted.forEach(w -> names.add(w.namespace() + "/" + w.name()));
            services.forEach((key, svc) -> {
                if (key.startsWith(ports.services().namespace() + "/") && GatewayServicePlan.isGatewayService(svc)
                        && !names.contains(key)) {
                    stale.add(key);
                }
            });
            java.util.Collections.sort(stale);
        }
        List<GatewayApiStatus.HttpRouteReport> reports = new ArrayList<>(routeReports);
        reports.addAll(backendTls.reports());
        table.gatewayApi(new GatewayApiStatus(classes, gateways, reports, wanted, stale));
    }

    static RouteStatusReport.Condition condition(String type, boolean status, String reason, String message) {
        return new RouteStatusReport.Condition(type, status, reason, message);
    }
}
