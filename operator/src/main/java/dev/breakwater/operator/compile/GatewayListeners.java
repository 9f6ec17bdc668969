package dev.breakwater.operator.compile;

import dev.breakwater.operator.cluster.GatewayApiObjects;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The GatewayClasses that are ours ({@code spec.controllerName} {@value #CONTROLLER}), the Gateways of those classes
 * and their listeners, checked as the Gateway API spec says: protocol (HTTP, HTTPS, TLS in mode Passthrough, TCP and
 * UDP; others are {@code UnsupportedProtocol}), port ({@link GatewayPorts}), hostname, conflicts between listeners of one port
 * ({@code ProtocolConflict}, {@code HostnameConflict}), TLS certificate references (a Secret, across namespaces only
 * with a ReferenceGrant) and {@code allowedRoutes} (namespaces Same, All or Selector; kinds).
 */
final class GatewayListeners {

    /** The {@code controllerName} of the GatewayClasses Breakwater implements. */
    static final String CONTROLLER = GatewayApiStatus.CONTROLLER_NAME;
    static final String HTTP_ROUTE = "HTTPRoute";
    static final String GRPC_ROUTE = "GRPCRoute";
    static final String TLS_ROUTE = "TLSRoute";
    static final String TCP_ROUTE = "TCPRoute";
    static final String UDP_ROUTE = "UDPRoute";

    /** The route kinds a listener of {@code protocol} takes (what its {@code supportedKinds} may list). */
    static List<String> kindsOf(String protocol) {
        return switch (protocol) {
            case "HTTP", "HTTPS" -> List.of(HTTP_ROUTE, GRPC_ROUTE);
            case "TLS" -> List.of(TLS_ROUTE);
            case "TCP" -> List.of(TCP_ROUTE);
            case "UDP" -> List.of(UDP_ROUTE);
            default -> List.of();
        };
    }

    /** True for the layer-4 protocols (TLS passthrough, TCP, UDP), served by L4 listeners of the table. */
    static boolean isL4(String protocol) {
        return protocol.equals("TLS") || protocol.equals("TCP") || protocol.equals("UDP");
    }

    /** A Gateway of ours and what was found about it. */
    static final class GatewayModel {
        final String namespace;
        final String name;
        final String object;
        final Gateway gateway;
        /** Why the whole Gateway is not accepted (reason, message), or null. */
        String[] problem;
        final List<ListenerModel> listeners = new ArrayList<>();

        GatewayModel(Gateway gateway) {
            this.gateway = gateway;
            this.namespace = Compiler.namespace(gateway);
            this.name = gateway.getMetadata().getName();
            this.object = "Gateway/" + namespace + "/" + name;
        }
    }

    /** One listener of a Gateway of ours. */
    static final class ListenerModel {
        final GatewayModel gateway;
        final int index;
        final String name;
        final String protocol;
        final Integer port;
        /** Lower case, or null for every host. */
        final String hostname;
        final Listener listener;
        /** The route kinds it takes ({@link #kindsOf} its protocol, at most). */
        final List<String> kinds = new ArrayList<>();
        /** Accepted=False (reason, message), or null. */
        String[] notAccepted;
        /** Route kinds it cannot take (reason, message), or null. */
        String[] invalidKinds;
        /** Why its certificate cannot be used (reason, message), or null. */
        String[] certificateProblem;
        /** Conflicted=True (reason, message), or null. */
        String[] conflicted;
        /** The Secret ({@code namespace/name}) whose certificate an HTTPS listener serves, or null. */
        String certificate;
        int attachedRoutes;
        /** The hosts of the routes it serves (for an HTTPS listener's certificate). */
        final Set<String> routeHosts = new TreeSet<>();

        ListenerModel(GatewayModel gateway, int index, Listener listener) {
            this.gateway = gateway;
            this.index = index;
            this.listener = listener;
            this.name = listener.getName() == null ? "" : listener.getName();
            this.protocol = listener.getProtocol() == null ? "" : listener.getProtocol();
            this.port = listener.getPort();
            String h = listener.getHostname();
            // TCP and UDP carry no name: the spec has their listeners ignore a hostname
            boolean named = !this.protocol.equals("TCP") && !this.protocol.equals("UDP");
            this.hostname = h == null || h.isEmpty() || !named ? null : h.toLowerCase(Locale.ROOT);
        }

        String field() {
            return "spec.listeners[" + index + "]";
        }

        /** ResolvedRefs=False (reason, message), or null: the certificate first, then the route kinds. */
        String[] unresolved() {
            return certificateProblem != null ? certificateProblem : invalidKinds;
        }

        /**
         * True when the routes attached to it are served: the Gateway and the listener are accepted, without conflict,
         * it takes some route kind and, for HTTPS, has a usable certificate.
         */
        boolean serves() {
            return gateway.problem == null && notAccepted == null && conflicted == null && !kinds.isEmpty()
                    && (!protocol.equals("HTTPS") || certificate != null);
        }
    }

    private final Map<String, GatewayClass> classes = new TreeMap<>();
    private final Map<String, GatewayModel> gateways = new TreeMap<>();
    private final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();

    GatewayListeners(GatewayApiObjects objects, GatewayPorts ports, ReferenceGrants grants, TlsSecrets secrets) {
        for (GatewayClass c : objects.gatewayClasses()) {
            if (c.getMetadata() != null && c.getMetadata().getName() != null && c.getSpec() != null
                    && CONTROLLER.equals(c.getSpec().getControllerName())) {
                classes.put(c.getMetadata().getName(), c);
            }
        }
        for (Namespace n : objects.namespaces()) {
            if (n.getMetadata() != null && n.getMetadata().getName() != null) {
                namespaceLabels.put(n.getMetadata().getName(), n.getMetadata().getLabels() == null ? Map.of()
                        : n.getMetadata().getLabels());
            }
        }
        for (Gateway g : objects.gateways()) {
            if (g.getMetadata() == null || g.getMetadata().getName() == null || g.getSpec() == null
                    || !classes.containsKey(g.getSpec().getGatewayClassName())) {
                continue;
            }
            GatewayModel model = new GatewayModel(g);
            gateways.put(model.namespace + "/" + model.name, model);
            read(model, ports, grants, secrets);
        }
    }

    /** Our GatewayClasses by name. */
    Map<String, GatewayClass> classes() {
        return classes;
    }

    /** Our Gateways, by {@code namespace/name}. */
    Map<String, GatewayModel> gateways() {
        return gateways;
    }

    private void read(GatewayModel g, GatewayPorts ports, ReferenceGrants grants, TlsSecrets secrets) {
        // an address without a value asks the implementation to pick one: the data planes' (or the own Service's)
        // addresses are that pick, so only a value written is one a Gateway cannot have
        if (g.gateway.getSpec().getAddresses() != null && g.gateway.getSpec().getAddresses().stream()
                .anyMatch(a -> a != null && a.getValue() != null && !a.getValue().isEmpty())) {
            g.problem = new String[] {"UnsupportedAddress", "spec.addresses: Breakwater's data planes are reached "
                    + "on the addresses of the Ingress status (Service or nodes); a Gateway cannot ask for its own"};
        }
        List<Listener> listeners = g.gateway.getSpec().getListeners() == null ? List.of()
                : g.gateway.getSpec().getListeners();
        for (int i = 0; i < listeners.size(); i++) {
            if (listeners.get(i) != null) {
                g.listeners.add(new ListenerModel(g, i, listeners.get(i)));
            }
        }
        for (ListenerModel l : g.listeners) {
            accept(l, ports);
            if (l.notAccepted == null) {
                kinds(l);
                if (l.protocol.equals("HTTPS")) {
                    certificate(l, grants, secrets);
                }
            }
        }
        conflicts(g.listeners);
    }

    private static void accept(ListenerModel l, GatewayPorts ports) {
        switch (l.protocol) {
            case "HTTP", "HTTPS" -> {
                int wanted = l.protocol.equals("HTTP") ? ports.http() : ports.https();
                if (l.port == null || l.port != wanted && ports.services() == null) {
                    l.notAccepted = new String[] {"PortUnavailable", l.field() + ".port: the data planes serve "
                            + l.protocol + " on port " + wanted + ", not " + l.port};
                }
            }
            case "TLS", "TCP", "UDP" -> {
                // without own Services the data planes bind the port itself; their HTTP port (and, but for TLS
                // passthrough, which shares it by SNI, their HTTPS port) is taken
                boolean shared = l.port != null && (l.port == ports.http()
                        || l.port == ports.https() && !l.protocol.equals("TLS"));
                if (l.port == null || shared && !l.protocol.equals("UDP") && ports.services() == null) {
                    l.notAccepted = new String[] {"PortUnavailable", l.field() + ".port: port " + l.port + " is the "
                            + "data planes' " + (l.port != null && l.port == ports.http() ? "HTTP" : "HTTPS") + " port"};
                }
            }
            default -> l.notAccepted = new String[] {"UnsupportedProtocol", l.field() + ".protocol: " + l.protocol
                    + " listeners are not supported (HTTP, HTTPS, TLS, TCP and UDP are)"};
        }
        if (l.notAccepted == null && l.hostname != null) {
            String problem = HostName.problem(l.hostname);
            if (problem != null) {
                l.notAccepted = new String[] {"UnsupportedValue", l.field() + ".hostname: " + problem};
            }
        }
        if (l.notAccepted == null && l.protocol.equals("HTTPS") && l.listener.getTls() != null
                && "Passthrough".equals(l.listener.getTls().getMode())) {
            l.notAccepted = new String[] {"UnsupportedValue", l.field() + ".tls.mode: an HTTPS listener terminates "
                    + "TLS (Passthrough is for TLS listeners)"};
        }
        if (l.notAccepted == null && l.protocol.equals("TLS")) {
            String mode = l.listener.getTls() == null || l.listener.getTls().getMode() == null ? "Terminate"
                    : l.listener.getTls().getMode();
            if (!mode.equals("Passthrough")) {
                l.notAccepted = new String[] {"UnsupportedValue", l.field() + ".tls.mode: " + mode + " is not "
                        + "supported on TLS listeners (Passthrough is: the connection goes to the backend still "
                        + "encrypted, by SNI name)"};
            }
        }
    }

    private static void kinds(ListenerModel l) {
        List<String> supported = kindsOf(l.protocol);
        List<RouteGroupKind> asked = l.listener.getAllowedRoutes() == null ? null
                : l.listener.getAllowedRoutes().getKinds();
        if (asked == null || asked.isEmpty()) {
            l.kinds.addAll(supported);
            return;
        }
        List<String> invalid = new ArrayList<>();
        for (RouteGroupKind k : asked) {
            String group = k.getGroup() == null ? ReferenceGrants.GATEWAY_GROUP : k.getGroup();
            if (group.equals(ReferenceGrants.GATEWAY_GROUP) && supported.contains(k.getKind())) {
                if (!l.kinds.contains(k.getKind())) {
                    l.kinds.add(k.getKind());
                }
            } else {
                invalid.add((group.isEmpty() ? "" : group + "/") + k.getKind());
            }
        }
        if (!invalid.isEmpty()) {
            l.invalidKinds = new String[] {"InvalidRouteKinds", l.field() + ".allowedRoutes.kinds: " + invalid
                    + " cannot attach to a " + l.protocol + " listener (" + String.join(" and ", supported) + " can)"};
        }
    }

    private static void certificate(ListenerModel l, ReferenceGrants grants, TlsSecrets secrets) {
        List<SecretObjectReference> refs = l.listener.getTls() == null ? null
                : l.listener.getTls().getCertificateRefs();
        if (refs == null || refs.isEmpty()) {
            l.certificateProblem = new String[] {"InvalidCertificateRef", l.field() + ".tls.certificateRefs: an HTTPS "
                    + "listener needs a certificate (a kubernetes.io/tls Secret)"};
            return;
        }
        for (int k = 0; k < refs.size() && l.certificate == null; k++) {
            SecretObjectReference ref = refs.get(k);
            String field = l.field() + ".tls.certificateRefs[" + k + "]";
            String group = ref.getGroup() == null ? "" : ref.getGroup();
            String kind = ref.getKind() == null ? "Secret" : ref.getKind();
            String namespace = ref.getNamespace() == null || ref.getNamespace().isEmpty() ? l.gateway.namespace
                    : ref.getNamespace();
            if (!group.isEmpty() || !kind.equals("Secret")) {
                l.certificateProblem = new String[] {"InvalidCertificateRef", field + ": " + (group.isEmpty() ? "" : group
                        + "/") + kind + " is not a Secret"};
            } else if (!grants.permits(ReferenceGrants.GATEWAY_GROUP, "Gateway", l.gateway.namespace, "", "Secret",
                    namespace, ref.getName())) {
                l.certificateProblem = new String[] {"RefNotPermitted", field + ": Secret " + namespace + "/" + ref.getName()
                        + " is in another namespace and no ReferenceGrant there permits Gateways of "
                        + l.gateway.namespace + " to use it"};
            } else {
                String secret = namespace + "/" + ref.getName();
                String problem = secrets.certificate(secret, List.of()).problem();
                if (problem != null) {
                    l.certificateProblem = new String[] {"InvalidCertificateRef", field + ": " + problem};
                } else {
                    l.certificate = secret;
                    l.certificateProblem = null;
                }
            }
        }
    }

    /** Listeners of one port: different protocols conflict, and so do equal hostnames of one protocol. */
    private static void conflicts(List<ListenerModel> listeners) {
        for (ListenerModel a : listeners) {
            for (ListenerModel b : listeners) {
                if (a == b || a.port == null || !a.port.equals(b.port)) {
                    continue;
                }
                if (!a.protocol.equals(b.protocol)) {
                    a.conflicted = new String[] {"ProtocolConflict", a.field() + ": port " + a.port + " is also "
                            + b.protocol + " (listener " + b.name + ")"};
                } else if (a.conflicted == null && Objects.equals(a.hostname, b.hostname)) {
                    a.conflicted = new String[] {"HostnameConflict", a.field() + ": listener " + b.name + " has the "
                            + "same port, protocol and hostname" + (a.hostname == null ? " (none)" : " " + a.hostname)};
                }
            }
        }
    }

    /** True when a route in {@code namespace} may attach to {@code l} by its {@code allowedRoutes.namespaces}. */
    boolean allowsNamespace(ListenerModel l, String namespace) {
        var ns = l.listener.getAllowedRoutes() == null ? null : l.listener.getAllowedRoutes().getNamespaces();
        String from = ns == null || ns.getFrom() == null ? "Same" : ns.getFrom();
        return switch (from) {
            case "All" -> true;
            case "Same" -> namespace.equals(l.gateway.namespace);
            case "Selector" -> ns.getSelector() != null && LabelSelectors.matches(ns.getSelector(),
                    namespaceLabels.getOrDefault(namespace, Map.of()));
            default -> false;
        };
    }
}
