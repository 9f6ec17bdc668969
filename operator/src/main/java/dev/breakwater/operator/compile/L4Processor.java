package dev.breakwater.operator.compile;

import dev.breakwater.operator.annotation.L4Annotations;
import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.routing.ClusterPolicy;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Policy;
import dev.breakwater.routing.L4Route;
import dev.breakwater.routing.L4Routes;
import dev.breakwater.routing.ProxyProtocolVersion;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.SniRoute;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Layer 4: the TLS passthrough hosts of Ingresses annotated {@code ssl-passthrough} (for the HTTPS port), and the
 * listeners of ingress-nginx's TCP and UDP services ConfigMaps, in their own format: each key a port, each value
 * {@code namespace/service:port[:PROXY][:PROXY]} (the first {@code PROXY}: clients' connections begin with a PROXY
 * protocol header, accepted from the peers of {@link L4Sources#proxyProtocolFrom()}, every peer by default as
 * ingress-nginx does; the second: a v1 header is sent to the endpoints).
 * A bad entry is an error naming the ConfigMap and key, and only that listener is left out. Routes'
 * {@code spec.listeners} join them ({@link RouteListeners}, fed by the Route processor so that their diagnostics
 * reach the Routes' status), and so do the TLS, TCP and UDP listeners of Gateways ({@link GatewayL4Routes}), after
 * them: a port the ConfigMaps or a Route have stays theirs, and a passthrough host of the HTTPS port an Ingress or a
 * Route has stays its own.
 */
final class L4Processor implements Processor {

    private final TableBuilder table;
    private final ClusterSnapshot snapshot;
    private final L4Sources sources;
    private final Map<String, SniRoute> passthrough = new TreeMap<>();
    private final RouteListeners routeListeners;
    private GatewayL4Routes gatewayRoutes;

    L4Processor(TableBuilder table, ClusterSnapshot snapshot, L4Sources sources) {
        this.table = table;
        this.snapshot = snapshot;
        this.sources = sources;
        Set<String> reserved = new HashSet<>();
        reserve(sources.tcpServices(), "tcp/", reserved);
        reserve(sources.udpServices(), "udp/", reserved);
        this.routeListeners = new RouteListeners(table, reserved, passthrough);
    }

    /** The L4 listeners of Gateways, joined at {@link #finish()}. */
    void gatewayRoutes(GatewayL4Routes value) {
        this.gatewayRoutes = value;
    }

    /** Where the Routes' {@code spec.listeners} go (the ports of the ConfigMaps are taken first). */
    RouteListeners routeListeners() {
        return routeListeners;
    }

    private void reserve(String ref, String prefix, Set<String> out) {
        ConfigMap map = configMap(ref);
        if (map == null || map.getData() == null) {
            return;
        }
        for (String key : map.getData().keySet()) {
            String port = key.trim();
            if (port.matches("[0-9]{1,5}")) {
                out.add(prefix + Integer.parseInt(port));
            }
        }
    }

    private ConfigMap configMap(String ref) {
        return ref == null ? null : snapshot.configMaps().stream().filter(c -> ref.equals(Compiler.namespace(c) + "/"
                + c.getMetadata().getName())).findFirst().orElse(null);
    }

    @Override
    public void add(HasMetadata object, int rank) {
        if (!(object instanceof Ingress ingress) || ingress.getSpec() == null) {
            return;
        }
        String namespace = Compiler.namespace(ingress);
        String name = Compiler.objectName(ingress);
        if (!L4Annotations.sslPassthrough(name, namespace, ingress.getMetadata().getAnnotations(),
                table.diagnostics())) {
            return;
        }
        List<IngressRule> rules = ingress.getSpec().getRules() == null ? List.of() : ingress.getSpec().getRules();
        for (int r = 0; r < rules.size(); r++) {
            IngressRule rule = rules.get(r);
            String field = "spec.rules[" + r + "]";
            if (rule.getHost() == null || rule.getHost().isEmpty()) {
                table.warning(name, field + ".host", "ssl-passthrough needs a host (the SNI name); this rule is "
                        + "not passed through");
                continue;
            }
            String host = rule.getHost().toLowerCase(Locale.ROOT);
            if (HostName.problem(host) != null) {
                continue; // reported by the Ingress processor
            }
            List<HTTPIngressPath> paths = rule.getHttp() == null || rule.getHttp().getPaths() == null ? List.of()
                    : rule.getHttp().getPaths();
            int chosen = paths.isEmpty() ? -1 : 0;
            for (int p = paths.size() - 1; p >= 0; p--) {
                if ("/".equals(paths.get(p).getPath())) {
                    chosen = p;
                }
            }
            if (chosen < 0) {
                table.error(name, field + ".http.paths", "ssl-passthrough needs a backend for host " + host);
                continue;
            }
            RouteAction action = table.backends().resolve(name, namespace, paths.get(chosen).getBackend(),
                    field + ".http.paths[" + chosen + "].backend", table.diagnostics());
            if (!(action instanceof RouteAction.Forward forward)) {
                continue;
            }
            if (passthrough.containsKey(host)) {
                table.warning(name, field + ".host", "TLS passthrough of " + host + " is already asked by "
                        + passthrough.get(host).route().source() + " (older); ignored here");
                continue;
            }
            passthrough.put(host, new SniRoute(host, new L4Route(namespace + "/" + ingress.getMetadata().getName()
                    + ":" + host + "#passthrough", name, forward.backends(), L4Policy.DEFAULTS)));
        }
    }

    @Override
    public void finish() {
        List<L4Listener> listeners = new ArrayList<>();
        read(sources.tcpServices(), L4Listener.Protocol.TCP, listeners);
        read(sources.udpServices(), L4Listener.Protocol.UDP, listeners);
        listeners.addAll(routeListeners.listeners());
        if (gatewayRoutes != null) {
            Set<String> keys = new HashSet<>();
            listeners.forEach(l -> keys.add(l.key()));
            for (L4Listener l : gatewayRoutes.listeners()) {
                if (keys.add(l.key())) {
                    listeners.add(l);
                } else {
                    table.error(l.routes().get(0).source(), "spec.parentRefs", "the data planes' " + l.key()
                            + " is a listener of the TCP/UDP services ConfigMap or of a Route; not served there");
                }
            }
            for (SniRoute s : gatewayRoutes.httpsPassthrough()) {
                if (passthrough.putIfAbsent(s.hostname(), s) != null) {
                    table.warning(s.route().source(), "spec.hostnames", "TLS passthrough of " + s.hostname()
                            + " on the HTTPS port is already asked by " + passthrough.get(s.hostname()).route().source()
                            + "; not served here");
                }
            }
        }
        table.l4(new L4Routes(listeners, List.copyOf(passthrough.values())));
    }

    private void read(String ref, L4Listener.Protocol protocol, List<L4Listener> out) {
        if (ref == null) {
            return;
        }
        String object = "ConfigMap/" + ref;
        ConfigMap map = configMap(ref);
        String flag = protocol == L4Listener.Protocol.TCP ? "--tcp-services-configmap" : "--udp-services-configmap";
        if (map == null) {
            table.warning(object, "", "named by " + flag + " but does not exist; no " + protocol + " listener");
            return;
        }
        Map<String, String> data = map.getData() == null ? Map.of() : new TreeMap<>(map.getData());
        for (Map.Entry<String, String> e : data.entrySet()) {
            L4Listener listener = entry(object, protocol, e.getKey(), e.getValue());
            if (listener != null) {
                out.add(listener);
            }
        }
    }

    private L4Listener entry(String object, L4Listener.Protocol protocol, String key, String value) {
        String field = "data['" + key + "']";
        int port;
        try {
            port = Integer.parseInt(key.trim());
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            table.error(object, field, "the key must be a port, 1 to 65535");
            return null;
        }
        String[] parts = value == null ? new String[0] : value.trim().split(":", -1);
        int slash = parts.length > 0 ? parts[0].indexOf('/') : -1;
        if (parts.length < 2 || parts.length > 4 || slash <= 0 || slash == parts[0].length() - 1
                || parts[1].isEmpty()) {
            table.error(object, field, "\"" + value + "\" (expected: namespace/service:port[:PROXY][:PROXY])");
            return null;
        }
        boolean decode = parts.length > 2 && proxy(object, field, parts[2]);
        boolean encode = parts.length > 3 && proxy(object, field, parts[3]);
        if (protocol == L4Listener.Protocol.UDP && (decode || encode)) {
            table.error(object, field, "PROXY is for TCP services only");
            return null;
        }
        ServiceBackendPort servicePort = new ServiceBackendPort();
        if (parts[1].chars().allMatch(Character::isDigit)) {
            servicePort.setNumber(Integer.parseInt(parts[1]));
        } else {
            servicePort.setName(parts[1]);
        }
        RouteAction action = table.backends().resolve(object, parts[0].substring(0, slash),
                parts[0].substring(slash + 1), servicePort, field, BackendResolver.PortFields.of(field),
                table.diagnostics(), Cluster.Protocol.HTTP1, null, ClusterPolicy.DEFAULTS);
        if (!(action instanceof RouteAction.Forward forward)) {
            return null;
        }
        String name = protocol.name().toLowerCase(Locale.ROOT) + "/" + port;
        L4Policy policy = encode ? L4Policy.DEFAULTS.withSendProxyProtocol(ProxyProtocolVersion.V1)
                : L4Policy.DEFAULTS;
        return new L4Listener(port, protocol, new L4Route(name, object, forward.backends(), policy), List.of(),
                decode ? sources.proxyProtocolFrom() : List.of());
    }

    private boolean proxy(String object, String field, String part) {
        if (part.isEmpty()) {
            return false;
        }
        if (!part.equals("PROXY")) {
            table.error(object, field, "\"" + part + "\" (expected: PROXY or nothing)");
        }
        return part.equals("PROXY");
    }

}
