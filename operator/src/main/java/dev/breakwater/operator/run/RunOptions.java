package dev.breakwater.operator.run;

import dev.breakwater.operator.cli.CommandLines;
import dev.breakwater.operator.compile.GatewayPorts;
import dev.breakwater.operator.compile.L4Sources;
import dev.breakwater.operator.status.AddressSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * The options of {@code breakwater-operator run}: everything the in-cluster operator is told on its command
 * line (and, for its own pod, by the environment: {@code POD_NAME}, {@code POD_NAMESPACE}, {@code POD_IP}).
 * {@code controllerConfigMap} is ingress-nginx's controller ConfigMap ({@code --configmap}) as namespace/name, or null.
 */
public record RunOptions(Path kubeconfig, Set<String> namespaces, Set<String> ingressClasses, String controllerName,
                         AddressSource statusAddress, String namespace, String leaseName, String identity,
                         Duration leaseDuration, Duration renewDeadline, Duration retryPeriod, Duration debounce,
                         Duration debounceMax, Duration endpointDebounce, Duration resync, String healthBind, int healthPort,
                         String channelService, String channelBind, int channelPort, String podIp, String fieldManager,
                         ChannelFiles channel, Set<String> alsoServedClasses,
                         L4Sources l4Sources, GatewayPorts gatewayPorts, String controllerConfigMap,
                         String defaultBackendService) {

    /**
     * The push channel's credentials (PEM files, as {@code breakwater credentials} writes them): the CA that
     * signs the data planes' client certificates, and this operator's server certificate and key.
     */
    public record ChannelFiles(Path ca, Path cert, Path key) {
    }

    /**
     * Parses {@code args} (picocli, {@link RunCommand}); {@code env} stands for {@link System#getenv(String)}.
     *
     * @throws IllegalArgumentException naming the option and what was expected
     */
    public static RunOptions parse(List<String> args, Function<String, String> env) {
        RunCommand command = new RunCommand(env);
        try {
            CommandLines.of(command).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(CommandLines.message(e), e);
        }
        return command.options();
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

    static Set<String> names(String name, String v) {
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

    static String nonBlank(String name, String v) {
        if (v.isBlank()) {
            throw new IllegalArgumentException(name + ": empty");
        }
        return v;
    }

    static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
    }
}
