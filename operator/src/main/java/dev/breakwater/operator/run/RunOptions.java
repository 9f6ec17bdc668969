package dev.breakwater.operator.run;

import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.status.AddressSource;
import dev.breakwater.operator.status.LoadBalancerAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The options of {@code breakwater-operator run}: everything the in-cluster operator is told on its command
 * line (and, for its own pod, by the environment: {@code POD_NAME}, {@code POD_NAMESPACE}, {@code POD_IP}).
 */
public record RunOptions(Path kubeconfig, Set<String> namespaces, Set<String> ingressClasses, String controllerName,
                         AddressSource statusAddress, String namespace, String leaseName, String identity,
                         Duration leaseDuration, Duration renewDeadline, Duration retryPeriod, Duration debounce,
                         Duration debounceMax, Duration resync, String healthBind, int healthPort,
                         String channelService, String channelBind, int channelPort, String podIp, String fieldManager,
                         ChannelFiles channel, Set<String> alsoServedClasses) {

    /**
     * The push channel's credentials (PEM files, as {@code breakwater credentials} writes them): the CA that
     * signs the data planes' client certificates, and this operator's server certificate and key.
     */
    public record ChannelFiles(Path ca, Path cert, Path key) {
    }

    static final String USAGE = """
            usage: breakwater-operator run [--kubeconfig FILE] [--namespaces NS,...] [--ingress-class NAME,...]
                     [--controller-name breakwater.dev/ingress-controller]
                     [--status-address ADDR,... | --status-service NS/NAME | --status-pods SELECTOR
                      [--status-pods-namespace NS]]
                     [--namespace NS] [--lease-name breakwater-operator] [--identity NAME]
                     [--lease-duration 15s] [--renew-deadline 10s] [--retry-period 2s]
                     [--debounce 50ms] [--debounce-max 500ms] [--resync 10m]
                     [--health-bind 0.0.0.0] [--health-port 8081]
                     [--channel-service NAME] [--channel-bind 0.0.0.0] [--channel-port 18000] [--pod-ip IP]
                     [--field-manager breakwater] [--channel-ca FILE --channel-cert FILE --channel-key FILE]
                     [--also-serve-class NAME]...
            """;

    /** Parses {@code args}; {@code env} stands for {@link System#getenv(String)}. */
    public static RunOptions parse(List<String> args, Function<String, String> env) {
        Path kubeconfig = null;
        Set<String> namespaces = Set.of();
        Set<String> classes = Set.of();
        String controller = CompilerOptions.DEFAULT_CONTROLLER_NAME;
        List<String> statusAddresses = null;
        String statusService = null;
        String statusPods = null;
        String statusPodsNamespace = null;
        String namespace = firstNonBlank(env.apply("POD_NAMESPACE"), null);
        String leaseName = "breakwater-operator";
        String identity = firstNonBlank(env.apply("POD_NAME"), env.apply("HOSTNAME"));
        Duration leaseDuration = Duration.ofSeconds(15);
        Duration renewDeadline = Duration.ofSeconds(10);
        Duration retryPeriod = Duration.ofSeconds(2);
        Duration debounce = Duration.ofMillis(50);
        Duration debounceMax = Duration.ofMillis(500);
        Duration resync = Duration.ofMinutes(10);
        String healthBind = "0.0.0.0";
        int healthPort = 8081;
        String channelService = null;
        String channelBind = "0.0.0.0";
        int channelPort = 18000;
        Set<String> alsoServed = new java.util.TreeSet<>();
        Path channelCa = null;
        Path channelCert = null;
        Path channelKey = null;
        String podIp = firstNonBlank(env.apply("POD_IP"), null);
        String fieldManager = "breakwater";
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String a = rest.remove(0);
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = rest.remove(0);
            switch (a) {
                case "--kubeconfig" -> {
                    kubeconfig = Path.of(v);
                    if (!Files.isReadable(kubeconfig)) {
                        throw new IllegalArgumentException("--kubeconfig: cannot read " + v);
                    }
                }
                case "--namespaces" -> namespaces = names(a, v);
                case "--ingress-class" -> classes = names(a, v);
                case "--controller-name" -> controller = nonBlank(a, v);
                case "--status-address" -> statusAddresses = List.of(v.split(","));
                case "--status-service" -> {
                    if (!v.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?/[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
                        throw new IllegalArgumentException("--status-service: '" + v + "' (expected: NAMESPACE/NAME)");
                    }
                    statusService = v;
                }
                case "--status-pods" -> statusPods = nonBlank(a, v);
                case "--status-pods-namespace" -> statusPodsNamespace = nonBlank(a, v);
                case "--namespace" -> namespace = nonBlank(a, v);
                case "--lease-name" -> leaseName = nonBlank(a, v);
                case "--identity" -> identity = nonBlank(a, v);
                case "--lease-duration" -> leaseDuration = duration(a, v);
                case "--renew-deadline" -> renewDeadline = duration(a, v);
                case "--retry-period" -> retryPeriod = duration(a, v);
                case "--debounce" -> debounce = duration(a, v);
                case "--debounce-max" -> debounceMax = duration(a, v);
                case "--resync" -> resync = duration(a, v);
                case "--health-bind" -> healthBind = nonBlank(a, v);
                case "--health-port" -> healthPort = number(a, v, 0, 65535);
                case "--channel-service" -> channelService = nonBlank(a, v);
                case "--channel-bind" -> channelBind = nonBlank(a, v);
                case "--channel-port" -> channelPort = number(a, v, 1, 65535);
                case "--pod-ip" -> podIp = nonBlank(a, v);
                case "--channel-ca" -> channelCa = Path.of(nonBlank(a, v));
                case "--also-serve-class" -> alsoServed.add(nonBlank(a, v));
                case "--channel-cert" -> channelCert = Path.of(nonBlank(a, v));
                case "--channel-key" -> channelKey = Path.of(nonBlank(a, v));
                case "--field-manager" -> fieldManager = nonBlank(a, v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        int sources = (statusAddresses != null ? 1 : 0) + (statusService != null ? 1 : 0) + (statusPods != null ? 1 : 0);
        if (sources > 1) {
            throw new IllegalArgumentException("--status-address, --status-service and --status-pods exclude each other");
        }
        if (statusPodsNamespace != null && statusPods == null) {
            throw new IllegalArgumentException("--status-pods-namespace needs --status-pods");
        }
        if (debounceMax.compareTo(debounce) < 0) {
            throw new IllegalArgumentException("--debounce-max " + debounceMax + " is shorter than --debounce " + debounce);
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
        if (identity == null) {
            identity = "breakwater-operator-" + UUID.randomUUID().toString().substring(0, 8);
        }
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
        return new RunOptions(kubeconfig, namespaces, classes, controller, status, namespace, leaseName, identity,
                leaseDuration, renewDeadline, retryPeriod, debounce, debounceMax, resync, healthBind, healthPort,
                channelService, channelBind, channelPort, podIp, fieldManager,
                channelFiles == 3 ? new ChannelFiles(channelCa, channelCert, channelKey) : null, Set.copyOf(alsoServed));
    }

    /** {@code 50ms}, {@code 2s}, {@code 5m}, {@code 1h}, or {@code 0}. */
    static Duration duration(String name, String v) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})(ms|s|m|h)?").matcher(v);
        if (!m.matches() || (m.group(2) == null && !m.group(1).equals("0"))) {
            throw new IllegalArgumentException(name + ": '" + v + "' (expected: a duration like 50ms, 2s, 5m, 1h)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static Set<String> names(String name, String v) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : v.split(",")) {
            String t = s.trim();
            if (!t.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
                throw new IllegalArgumentException(name + ": '" + t + "' is not a Kubernetes name");
            }
            out.add(t);
        }
        return Set.copyOf(out);
    }

    private static String nonBlank(String name, String v) {
        if (v.isBlank()) {
            throw new IllegalArgumentException(name + ": empty");
        }
        return v;
    }

    private static int number(String name, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new IllegalArgumentException(name + ": '" + v + "' (expected: a number from " + min + " to " + max + ")");
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
    }
}
