package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.annotation.Canary;
import dev.breakwater.routing.HeaderMatch;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.StringMatch;
import dev.breakwater.routing.VirtualHost;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Attaches canary Ingresses ({@code canary: "true"}), once every Ingress and Route is read. A canary claims nothing:
 * each of its paths attaches to the route of the Ingress (not a canary) with the same host, pathType and path, which
 * then sends requests to the canary's backend by header, cookie and weight, as ingress-nginx does (see
 * {@link #expand}). Its {@code spec.defaultBackend} attaches to the cluster's default backend. A canary path without
 * such a route is reported and gets no requests.
 */
final class CanaryProcessor implements Processor {

    private final TableBuilder table;
    private final IngressProcessor ingresses;
    private final List<Diagnostic> diagnostics;
    private final BackendResolver backends;
    private final HostRoutes routes;
    /** The canary attached to a route, by route name ({@link TableBuilder#CLUSTER_DEFAULT} for the default backend). */
    private final Map<String, CanaryAttachment> canaryByRoute = new HashMap<>();

    CanaryProcessor(TableBuilder table, IngressProcessor ingresses) {
        this.table = table;
        this.ingresses = ingresses;
        this.diagnostics = table.diagnostics();
        this.backends = table.backends();
        this.routes = table.routes();
    }

    /** Canary Ingresses are read by the {@link IngressProcessor}, which keeps them for {@link #finish}. */
    @Override
    public void add(HasMetadata object, int rank) {
    }

    /**
     * A canary attached to a route.
     *
     * @param object  the canary Ingress, as {@code Ingress/namespace/name}
     * @param cluster the cluster of its backend
     * @param canary  how requests are sent to it
     */
    private record CanaryAttachment(String object, String cluster, Canary canary) {
    }

    /**
     * Attaches each canary Ingress's paths to the routes of the Ingresses that are not canaries (oldest canary
     * first: one canary per route, as ingress-nginx applies one).
     */
    @Override
    public void finish() {
        table.expandWith(this::expand);
        for (IngressProcessor.PendingCanary pending : ingresses.canaries()) {
            Ingress ingress = pending.ingress();
            IngressSpec spec = ingress.getSpec();
            String object = objectName(ingress);
            String namespace = namespace(ingress);
            if (spec.getTls() != null && !spec.getTls().isEmpty()) {
                diagnostics.add(Diagnostic.warning(object, "spec.tls", "ignored on a canary Ingress: its hosts are "
                        + "served with the main Ingress's TLS (as in ingress-nginx)"));
            }
            if (spec.getDefaultBackend() != null) {
                TableBuilder.ClusterDefault clusterDefault = table.clusterDefault();
                if (clusterDefault == null) {
                    diagnostics.add(Diagnostic.error(object, "spec.defaultBackend", "no Ingress that is not a canary "
                            + "has a spec.defaultBackend for this canary to attach to: it gets no requests"));
                } else {
                    attach(pending, namespace, "spec.defaultBackend", "the cluster default backend of "
                                    + clusterDefault.ownerObject(), TableBuilder.CLUSTER_DEFAULT,
                            clusterDefault.action(), ingresses.clusterDefaultSettings(), spec.getDefaultBackend());
                }
            }
            List<IngressRule> rules = spec.getRules() == null ? List.of() : spec.getRules();
            for (int r = 0; r < rules.size(); r++) {
                IngressRule rule = rules.get(r);
                String host = rule.getHost() == null || rule.getHost().isEmpty() ? VirtualHost.CATCH_ALL
                        : rule.getHost();
                if (!host.equals(VirtualHost.CATCH_ALL) && HostName.problem(host) != null) {
                    diagnostics.add(Diagnostic.error(object, "spec.rules[" + r + "].host", HostName.problem(host)));
                    continue;
                }
                List<HTTPIngressPath> paths = rule.getHttp() == null || rule.getHttp().getPaths() == null ? List.of()
                        : rule.getHttp().getPaths();
                for (int p = 0; p < paths.size(); p++) {
                    HTTPIngressPath path = paths.get(p);
                    String field = "spec.rules[" + r + "].http.paths[" + p + "]";
                    String written = IngressProcessor.writtenPath(path);
                    String where = "host " + (host.equals(VirtualHost.CATCH_ALL) ? "(any)" : host) + ", path "
                            + written + " (" + path.getPathType() + ")";
                    IngressProcessor.MainRoute main = ingresses.mainRoute(host, path.getPathType(), written);
                    if (main == null) {
                        diagnostics.add(Diagnostic.error(object, field, "no Ingress that is not a canary serves "
                                + where + ": the canary has no route to attach to and gets no requests (ingress-nginx "
                                + "drops such a canary too)"));
                        continue;
                    }
                    attach(pending, namespace, field, where, main.route().name(), main.route().action(),
                            main.settings(), path.getBackend());
                }
            }
        }
    }

    /**
     * Attaches a canary backend to the route (or default backend) named {@code key}: resolved with the main
     * Ingress's protocol and TLS to backends, which its paths take, and the canary's own balancing and health.
     */
    private void attach(IngressProcessor.PendingCanary pending, String namespace, String field, String where, String key,
                        RouteAction mainAction, IngressProcessor.Settings mainSettings, IngressBackend backend) {
        String object = objectName(pending.ingress());
        CanaryAttachment existing = canaryByRoute.get(key);
        if (existing != null) {
            diagnostics.add(Diagnostic.warning(object, field, where + " already has the canary " + existing.object()
                    + ", which is older: one canary per path, as in ingress-nginx; this one gets no requests"));
            return;
        }
        if (!(mainAction instanceof RouteAction.Forward mainForward)) {
            diagnostics.add(Diagnostic.error(object, field, where + ": the main Ingress's route answers "
                    + ((RouteAction.FixedResponse) mainAction).status() + " (see its own diagnostics), so its "
                    + "canary gets no requests"));
            return;
        }
        RouteAction resolved = backends.resolve(object, namespace, backend, field + ".backend", diagnostics,
                mainSettings.annotations().protocol(), mainSettings.upstreamTls(), pending.annotations().cluster());
        if (!(resolved instanceof RouteAction.Forward canaryForward)) {
            return; // reported by the resolver; as in ingress-nginx, a canary without backend is dropped
        }
        String cluster = canaryForward.backends().get(0).cluster();
        if (mainForward.backends().stream().anyMatch(b -> b.cluster().equals(cluster))) {
            diagnostics.add(Diagnostic.warning(object, field, where + ": the canary's backend is the main route's "
                    + "own (" + cluster + "): nothing to split"));
            return;
        }
        canaryByRoute.put(key, new CanaryAttachment(object, cluster, pending.annotations().canary()));
    }

    /**
     * Adds {@code route} to {@code out}, or, when a canary is attached to it, the routes that decide between the
     * canary and the main backend, first match first, as ingress-nginx's balancer decides: the canary's header
     * (its value, its pattern, or {@code always}; {@code never} keeps the main backend), then its cookie
     * ({@code always}, {@code never}), then the route itself with its backend split by the canary weight.
     */
    private void expand(Route route, String key, List<Route> out) {
        CanaryAttachment attached = key == null ? null : canaryByRoute.get(key);
        if (attached == null || !(route.action() instanceof RouteAction.Forward main)) {
            out.add(route);
            return;
        }
        Canary canary = attached.canary();
        RouteAction toCanary = RouteAction.Forward.to(attached.cluster());
        if (canary.header() != null) {
            if (canary.headerValue() != null) {
                out.add(variant(route, "#canary-by-header", attached.object(), new HeaderMatch(canary.header(),
                        StringMatch.EXACT, canary.headerValue()), toCanary));
            } else if (canary.headerPattern() != null) {
                out.add(variant(route, "#canary-by-header", attached.object(), new HeaderMatch(canary.header(),
                        StringMatch.REGULAR_EXPRESSION, Canary.searchRegex(
                                canary.headerPattern())), toCanary));
            } else {
                out.add(variant(route, "#canary-by-header", attached.object(), new HeaderMatch(canary.header(),
                        StringMatch.EXACT, Canary.ALWAYS), toCanary));
                out.add(variant(route, "#canary-by-header-never", route.source(), new HeaderMatch(canary.header(),
                        StringMatch.EXACT, Canary.NEVER), main));
            }
        }
        if (canary.cookie() != null) {
            out.add(variant(route, "#canary-by-cookie", attached.object(), new HeaderMatch("cookie",
                    StringMatch.REGULAR_EXPRESSION, Canary.cookieRegex(
                            canary.cookie(), Canary.ALWAYS)), toCanary));
            out.add(variant(route, "#canary-by-cookie-never", route.source(), new HeaderMatch("cookie",
                    StringMatch.REGULAR_EXPRESSION, Canary.cookieRegex(
                            canary.cookie(), Canary.NEVER)), main));
        }
        if (canary.weight() == 0) {
            out.add(route);
            return;
        }
        String mainCluster = main.backends().get(0).cluster();
        out.add(route.withAction(new RouteAction.Forward(List.of(
                new RouteAction.BackendRef(mainCluster, canary.weightTotal() - canary.weight()),
                new RouteAction.BackendRef(attached.cluster(), canary.weight())))));
    }

    /** {@code route} with one more header condition and another action, under a name of its own. */
    private Route variant(Route route, String suffix, String source, HeaderMatch header, RouteAction action) {
        List<HeaderMatch> headers = new ArrayList<>(route.match().headers());
        headers.add(header);
        RouteMatch match = new RouteMatch(route.match().path(), headers, route.match().queryParams(),
                route.match().method());
        return new Route(routes.uniqueName(route.name() + suffix, PathMatch.Type.PREFIX), source, match, action,
                route.policy(), route.filters());
    }

    private static String namespace(Ingress ingress) {
        return Compiler.namespace(ingress);
    }

    private static String objectName(Ingress ingress) {
        return Compiler.objectName(ingress);
    }
}
