package dev.breakwater.operator.run;

import static dev.breakwater.operator.cli.Values.number;
import static dev.breakwater.operator.run.RunOptions.duration;
import static dev.breakwater.operator.run.RunOptions.firstNonBlank;
import static dev.breakwater.operator.run.RunOptions.names;
import static dev.breakwater.operator.run.RunOptions.nonBlank;

import dev.breakwater.operator.cli.CommandLines;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.compile.GatewayPorts;
import dev.breakwater.operator.compile.GatewayServices;
import dev.breakwater.operator.compile.L4Sources;
import dev.breakwater.operator.status.AddressSource;
import dev.breakwater.operator.status.LoadBalancerAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code breakwater run [options]} (picocli): the in-cluster operator. Each option is checked as it is read, by the
 * checks of {@link RunOptions}, whose messages name it; {@link #options()} checks them together.
 */
@Command(name = "run",
        description = "The in-cluster operator: watch the Kubernetes API, compile, publish tables to the data planes "
                + "(leader only), write Ingress and Route status and Events. Runs until SIGTERM.")
public final class RunCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    private Path kubeconfig;
    private Set<String> namespaces = Set.of();
    private Set<String> classes = Set.of();
    private String controller = CompilerOptions.DEFAULT_CONTROLLER_NAME;
    private List<String> statusAddresses;
    private String statusService;
    private String statusPods;
    private String statusPodsNamespace;
    private String namespace;
    private String leaseName = "breakwater-operator";
    private String identity;
    private Duration leaseDuration = Duration.ofSeconds(15);
    private Duration renewDeadline = Duration.ofSeconds(10);
    private Duration retryPeriod = Duration.ofSeconds(2);
    private Duration debounce = Duration.ofMillis(50);
    private Duration debounceMax = Duration.ofMillis(500);
    private Duration endpointDebounce = Duration.ofMillis(10);
    private Duration resync = Duration.ofMinutes(10);
    private String healthBind = "0.0.0.0";
    private int healthPort = 8081;
    private String channelService;
    private String channelBind = "0.0.0.0";
    private int channelPort = 18000;
    private final Set<String> alsoServed = new TreeSet<>();
    private Path channelCa;
    private Path channelCert;
    private Path channelKey;
    private String podIp;
    private String fieldManager = "breakwater";
    private String tcpServices;
    private int gatewayHttpPort = GatewayPorts.DEFAULT.http();
    private int gatewayHttpsPort = GatewayPorts.DEFAULT.https();
    private String gatewayServiceSelector;
    private String gatewayServiceType = "LoadBalancer";
    private int gatewayServiceFirstPort = 20000;
    private int gatewayServicePorts = 1000;
    private String udpServices;
    private List<String> servicesProxyFrom;

    /** With the defaults the process's environment gives. */
    public RunCommand() {
        this(System::getenv);
    }

    RunCommand(Function<String, String> env) {
        namespace = firstNonBlank(env.apply("POD_NAMESPACE"), null);
        identity = firstNonBlank(env.apply("POD_NAME"), env.apply("HOSTNAME"));
        podIp = firstNonBlank(env.apply("POD_IP"), null);
    }

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "The API server and credentials (default: $KUBECONFIG or ~/.kube/config when present, else "
                    + "the pod's ServiceAccount).")
    void kubeconfig(String v) {
        kubeconfig = Path.of(v);
        if (!Files.isReadable(kubeconfig)) {
            throw new IllegalArgumentException("--kubeconfig: cannot read " + v);
        }
    }

    @Option(names = "--namespaces", paramLabel = "NS,...", description = "Namespaces watched (default: all).")
    void namespaces(String v) {
        namespaces = names("--namespaces", v);
    }

    @Option(names = "--ingress-class", paramLabel = "NAME,...",
            description = "Serve only these IngressClasses, which must name our controller (default: every class of "
                    + "ours).")
    void ingressClasses(String v) {
        classes = names("--ingress-class", v);
    }

    @Option(names = "--controller-name", paramLabel = "NAME",
            description = "The spec.controller of our IngressClasses (default: breakwater.dev/ingress-controller).")
    void controllerName(String v) {
        controller = nonBlank("--controller-name", v);
    }

    @Option(names = "--status-address", paramLabel = "ADDR,...",
            description = "Write these IPs / host names into the Ingresses' status.loadBalancer.ingress.")
    void statusAddress(String v) {
        statusAddresses = List.of(v.split(","));
    }

    @Option(names = "--status-service", paramLabel = "NS/NAME",
            description = "Copy that LoadBalancer Service's status.loadBalancer, following its changes.")
    void statusService(String v) {
        if (!v.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?/[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
            throw new IllegalArgumentException("--status-service: '" + v + "' (expected: NAMESPACE/NAME)");
        }
        statusService = v;
    }

    @Option(names = "--status-pods", paramLabel = "SELECTOR",
            description = "The addresses of the nodes running the pods this label selector picks (the data planes).")
    void statusPods(String v) {
        statusPods = nonBlank("--status-pods", v);
    }

    @Option(names = "--status-pods-namespace", paramLabel = "NS",
            description = "Where those pods are (default: --namespace).")
    void statusPodsNamespace(String v) {
        statusPodsNamespace = nonBlank("--status-pods-namespace", v);
    }

    @Option(names = "--namespace", paramLabel = "NS",
            description = "The operator's own namespace: its Lease and the channel's EndpointSlice (default: "
                    + "$POD_NAMESPACE, else the kubeconfig's, else default).")
    void namespace(String v) {
        namespace = nonBlank("--namespace", v);
    }

    @Option(names = "--lease-name", paramLabel = "NAME", description = "The leader election's Lease (default: "
            + "breakwater-operator).")
    void leaseName(String v) {
        leaseName = nonBlank("--lease-name", v);
    }

    @Option(names = "--identity", paramLabel = "NAME",
            description = "This replica's name in the Lease (default: $POD_NAME, else $HOSTNAME, else random).")
    void identity(String v) {
        identity = nonBlank("--identity", v);
    }

    @Option(names = "--lease-duration", paramLabel = "DURATION", description = "Leader election (default: 15s).")
    void leaseDuration(String v) {
        leaseDuration = duration("--lease-duration", v);
    }

    @Option(names = "--renew-deadline", paramLabel = "DURATION",
            description = "Leader election, shorter than --lease-duration (default: 10s).")
    void renewDeadline(String v) {
        renewDeadline = duration("--renew-deadline", v);
    }

    @Option(names = "--retry-period", paramLabel = "DURATION",
            description = "Leader election, shorter than --renew-deadline (default: 2s).")
    void retryPeriod(String v) {
        retryPeriod = duration("--retry-period", v);
    }

    @Option(names = "--debounce", paramLabel = "DURATION",
            description = "Compile once no change came for this long (default: 50ms).")
    void debounce(String v) {
        debounce = duration("--debounce", v);
    }

    @Option(names = "--debounce-max", paramLabel = "DURATION",
            description = "At the latest this long after the first change (default: 500ms).")
    void debounceMax(String v) {
        debounceMax = duration("--debounce-max", v);
    }

    @Option(names = "--endpoint-debounce", paramLabel = "DURATION",
            description = "When only EndpointSlices changed, apply them once none changed for this long (default: 10ms).")
    void endpointDebounce(String v) {
        endpointDebounce = duration("--endpoint-debounce", v);
    }

    @Option(names = "--resync", paramLabel = "DURATION",
            description = "A full compilation this often even without changes; 0 for never (default: 10m).")
    void resync(String v) {
        resync = duration("--resync", v);
    }

    @Option(names = "--health-bind", paramLabel = "ADDR",
            description = "The address of /healthz, /readyz and /metrics (default: 0.0.0.0).")
    void healthBind(String v) {
        healthBind = nonBlank("--health-bind", v);
    }

    @Option(names = "--health-port", paramLabel = "N", description = "Their port; 0 turns them off (default: 8081).")
    void healthPort(String v) {
        healthPort = number("--health-port", v, 0, 65535);
    }

    @Option(names = "--channel-service", paramLabel = "NAME",
            description = "The push channel's selector-less Service in --namespace: the leader points it at itself.")
    void channelService(String v) {
        channelService = nonBlank("--channel-service", v);
    }

    @Option(names = "--channel-bind", paramLabel = "ADDR",
            description = "The address the table service listens on (default: 0.0.0.0).")
    void channelBind(String v) {
        channelBind = nonBlank("--channel-bind", v);
    }

    @Option(names = "--channel-port", paramLabel = "N", description = "The table service's port (default: 18000).")
    void channelPort(String v) {
        channelPort = number("--channel-port", v, 1, 65535);
    }

    @Option(names = "--pod-ip", paramLabel = "IP",
            description = "This replica's pod IP, for --channel-service (default: $POD_IP).")
    void podIp(String v) {
        podIp = nonBlank("--pod-ip", v);
    }

    @Option(names = "--channel-ca", paramLabel = "FILE", description = "The push channel's CA (PEM).")
    void channelCa(String v) {
        channelCa = Path.of(nonBlank("--channel-ca", v));
    }

    @Option(names = "--channel-cert", paramLabel = "FILE", description = "This operator's server certificate (PEM).")
    void channelCert(String v) {
        channelCert = Path.of(nonBlank("--channel-cert", v));
    }

    @Option(names = "--channel-key", paramLabel = "FILE", description = "Its private key (PEM).")
    void channelKey(String v) {
        channelKey = Path.of(nonBlank("--channel-key", v));
    }

    @Option(names = "--field-manager", paramLabel = "NAME",
            description = "The server-side-apply field manager of status writes (default: breakwater).")
    void fieldManager(String v) {
        fieldManager = nonBlank("--field-manager", v);
    }

    @Option(names = "--also-serve-class", paramLabel = "NAME",
            description = "Also serve the Ingresses of IngressClass NAME (such as nginx), whatever controller it "
                    + "names (repeatable).")
    void alsoServeClass(String v) {
        alsoServed.add(nonBlank("--also-serve-class", v));
    }

    @Option(names = "--default-backend-service", paramLabel = "NAMESPACE/NAME:PORT",
            description = "The cluster default backend: it answers requests no rule matches (when no Ingress's "
                    + "spec.defaultBackend does) and the custom-http-errors of Ingresses without default-backend, as "
                    + "ingress-nginx's --default-backend-service (default: none, 404).")
    void defaultBackendService(String v) {
        try {
            CompilerOptions.defaults().withDefaultBackendService(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--default-backend-service: '" + v + "' (expected: "
                    + "NAMESPACE/NAME:PORT, such as ingress-nginx/default-backend:80)");
        }
        defaultBackendService = v;
    }

    private String defaultBackendService;

    @Option(names = "--tcp-services-configmap", paramLabel = "NAMESPACE/NAME",
            description = "TCP listeners from this ConfigMap, in ingress-nginx's format: each key a port, each value "
                    + "namespace/service:port[:PROXY][:PROXY] (watched; default: none).")
    void tcpServices(String v) {
        tcpServices = configMap("--tcp-services-configmap", v);
    }

    @Option(names = "--configmap", paramLabel = "NAMESPACE/NAME",
            description = "ingress-nginx's controller ConfigMap: its keys (proxy-body-size, hsts, global-auth-url ...) "
                    + "set the defaults of every Ingress; keys not read are warnings (watched; default: none).")
    void controllerConfigMap(String v) {
        controllerConfigMap = configMap("--configmap", v);
    }

    private String controllerConfigMap;

    @Option(names = "--udp-services-configmap", paramLabel = "NAMESPACE/NAME",
            description = "UDP listeners from this ConfigMap, same format without PROXY (watched; default: none).")
    void udpServices(String v) {
        udpServices = configMap("--udp-services-configmap", v);
    }

    @Option(names = "--tcp-services-proxy-protocol-from", paramLabel = "CIDR[,CIDR...]",
            description = "The peers (a load balancer) whose PROXY protocol headers the TCP services ConfigMap's "
                    + ":PROXY entries accept; others are refused (default: every address, as ingress-nginx).")
    void servicesProxyFrom(String v) {
        servicesProxyFrom = L4Sources.cidrs("--tcp-services-proxy-protocol-from", v);
    }

    @Option(names = "--gateway-http-port", paramLabel = "N",
            description = "The port a Gateway's HTTP listeners must name: where the data planes serve plain HTTP "
                    + "(default: 80).")
    void gatewayHttpPort(String v) {
        gatewayHttpPort = number("--gateway-http-port", v, 1, 65535);
    }

    @Option(names = "--gateway-https-port", paramLabel = "N",
            description = "The port a Gateway's HTTPS listeners must name: where the data planes serve HTTPS "
                    + "(default: 443).")
    void gatewayHttpsPort(String v) {
        gatewayHttpsPort = number("--gateway-https-port", v, 1, 65535);
    }

    @Option(names = "--gateway-service-selector", paramLabel = "SELECTOR",
            description = "Give each Gateway a Service of its own in --namespace, selecting the data-plane pods by these "
                    + "labels (k=v,...), with the Gateway's listener ports mapped to data-plane ports of that Gateway "
                    + "alone; its address is the Gateway's (default: none, every Gateway on the shared ports).")
    void gatewayServiceSelector(String v) {
        gatewayServiceSelector = nonBlank("--gateway-service-selector", v);
    }

    @Option(names = "--gateway-service-type", paramLabel = "TYPE",
            description = "The type of each Gateway's own Service: ClusterIP, NodePort or LoadBalancer (default).")
    void gatewayServiceType(String v) {
        gatewayServiceType = nonBlank("--gateway-service-type", v);
    }

    @Option(names = "--gateway-service-ports", paramLabel = "FIRST-LAST",
            description = "The data-plane ports given to Gateways' listener ports (default: 20000-20999).")
    void gatewayServicePorts(String v) {
        String[] range = nonBlank("--gateway-service-ports", v).split("-", 2);
        if (range.length != 2) {
            throw new IllegalArgumentException("--gateway-service-ports: " + v + " (expected: FIRST-LAST)");
        }
        gatewayServiceFirstPort = number("--gateway-service-ports", range[0].trim(), 1024, 65535);
        int last = number("--gateway-service-ports", range[1].trim(), gatewayServiceFirstPort, 65535);
        gatewayServicePorts = last - gatewayServiceFirstPort + 1;
    }

    private static String configMap(String option, String v) {
        try {
            new L4Sources(v, null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": '" + v + "' (expected: NAMESPACE/NAME of a ConfigMap)");
        }
        return v;
    }

    /** Runs the operator until SIGTERM. */
    @Override
    public Integer call() throws InterruptedException {
        RunOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            throw CommandLines.usageError(spec.commandLine(), e.getMessage());
        }
        RunMode.run(options);
        return 0;
    }

    /**
     * The options read, checked together.
     *
     * @throws IllegalArgumentException naming the options that do not go together
     */
    RunOptions options() {
        int sources = (statusAddresses != null ? 1 : 0) + (statusService != null ? 1 : 0)
                + (statusPods != null ? 1 : 0);
        if (sources > 1) {
            throw new IllegalArgumentException(
                    "--status-address, --status-service and --status-pods exclude each other");
        }
        if (statusPodsNamespace != null && statusPods == null) {
            throw new IllegalArgumentException("--status-pods-namespace needs --status-pods");
        }
        if (debounceMax.compareTo(debounce) < 0) {
            throw new IllegalArgumentException(
                    "--debounce-max " + debounceMax + " is shorter than --debounce " + debounce);
        }
        if (debounceMax.compareTo(endpointDebounce) < 0) {
            throw new IllegalArgumentException(
                    "--debounce-max " + debounceMax + " is shorter than --endpoint-debounce " + endpointDebounce);
        }
        if (!(leaseDuration.compareTo(renewDeadline) > 0 && renewDeadline.compareTo(retryPeriod) > 0)) {
            throw new IllegalArgumentException("expected --lease-duration > --renew-deadline > --retry-period, got "
                    + leaseDuration + ", " + renewDeadline + ", " + retryPeriod);
        }
        if (channelService != null && podIp == null) {
            throw new IllegalArgumentException("--channel-service needs the pod's IP: --pod-ip or POD_IP");
        }
        int channelFiles = (channelCa != null ? 1 : 0) + (channelCert != null ? 1 : 0) + (channelKey != null ? 1 : 0);
        if (channelFiles != 0 && channelFiles != 3) {
            throw new IllegalArgumentException("--channel-ca, --channel-cert and --channel-key go together");
        }
        if (gatewayHttpPort == gatewayHttpsPort) {
            throw new IllegalArgumentException("--gateway-http-port and --gateway-https-port are both "
                    + gatewayHttpPort + " (expected: two ports)");
        }
        String id = identity != null ? identity : "breakwater-operator-" + UUID.randomUUID().toString().substring(0, 8);
        AddressSource status = AddressSource.none();
        if (statusAddresses != null) {
            List<LoadBalancerAddress> parsed = new ArrayList<>();
            for (String s : statusAddresses) {
                try {
                    parsed.add(LoadBalancerAddress.parse(s));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--status-address: " + e.getMessage());
                }
            }
            status = new AddressSource.Fixed(parsed);
        } else if (statusService != null) {
            status = new AddressSource.FromService(statusService.substring(0, statusService.indexOf('/')),
                    statusService.substring(statusService.indexOf('/') + 1));
        } else if (statusPods != null) {
            status = new AddressSource.FromPods(statusPodsNamespace != null ? statusPodsNamespace
                    : namespace != null ? namespace : "default", statusPods);
        }
        return new RunOptions(kubeconfig, namespaces, classes, controller, status, namespace, leaseName, id,
                leaseDuration, renewDeadline, retryPeriod, debounce, debounceMax, endpointDebounce, resync, healthBind, healthPort,
                channelService, channelBind, channelPort, podIp, fieldManager,
                channelFiles == 3 ? new RunOptions.ChannelFiles(channelCa, channelCert, channelKey) : null,
                Set.copyOf(alsoServed), new L4Sources(tcpServices, udpServices, servicesProxyFrom),
                new GatewayPorts(gatewayHttpPort, gatewayHttpsPort, gatewayServices()), controllerConfigMap,
                defaultBackendService);
    }

    private GatewayServices gatewayServices() {
        if (gatewayServiceSelector == null) {
            return null;
        }
        java.util.Map<String, String> labels = new java.util.LinkedHashMap<>();
        for (String pair : gatewayServiceSelector.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--gateway-service-selector: " + pair + " (expected: key=value)");
            }
            labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        try {
            return new GatewayServices(namespace != null ? namespace : "default", labels, gatewayServiceType,
                    gatewayServiceFirstPort, gatewayServicePorts);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--gateway-service-*: " + e.getMessage());
        }
    }
}
