package dev.breakwater.operator.local;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.DataPlaneBuilder;
import dev.breakwater.dataplane.EdgeOptions;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.operator.cli.CommandLines;
import dev.breakwater.operator.cli.Values;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.compile.L4Sources;
import dev.breakwater.operator.compile.DefaultCertificate;
import io.netty.util.ResourceLeakDetector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code breakwater local DIR [options]}: the compiler and a data plane in one process, serving a folder of
 * manifests. The one part of the operator that runs the data plane in process.
 */
@Command(name = "local",
        description = "Serve the Ingress, Route, IngressClass, Service, EndpointSlice and Secret manifests (*.yaml, "
                + "*.yml) of DIR over HTTP and HTTPS, and re-read DIR when a file in it changes.")
public final class LocalCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", arity = "0..*", description = "The folder of manifests.")
    List<Path> dirs = new ArrayList<>();

    private int httpPort = 8080;
    private int httpsPort = 8443;
    private int adminPort = 9090;
    private int workers = Runtime.getRuntime().availableProcessors();
    private String defaultCertificate;

    @Option(names = "--bind", paramLabel = "ADDR", description = "The listeners' address (default: 127.0.0.1).")
    String bind = "127.0.0.1";

    @Option(names = "--also-serve-class", paramLabel = "NAME",
            description = "Also serve the Ingresses of IngressClass NAME (such as nginx: spec.ingressClassName or "
                    + "kubernetes.io/ingress.class), whatever controller that class names (repeatable).")
    List<String> alsoServe = new ArrayList<>();

    @Option(names = "--default-backend-service", paramLabel = "NAMESPACE/NAME:PORT",
            description = "The cluster default backend: a Service of DIR answering requests no rule matches (when no "
                    + "Ingress's spec.defaultBackend does) and the custom-http-errors of Ingresses without "
                    + "default-backend, as ingress-nginx's --default-backend-service (default: none, 404).")
    String defaultBackendService;

    @Mixin
    EdgeOptions edge = new EdgeOptions();

    private java.time.Duration debounce = LocalMode.DEFAULT_DEBOUNCE;

    @Option(names = "--debounce", paramLabel = "DURATION",
            description = "Re-read DIR once no file in it changed for this long, at the latest 5 times this long after "
                    + "the first change (default: 20ms).")
    void debounce(String value) {
        debounce = Values.debounce("--debounce", value);
    }

    private java.time.Duration endpointDebounce = LocalMode.DEFAULT_ENDPOINT_DEBOUNCE;

    @Option(names = "--endpoint-debounce", paramLabel = "DURATION",
            description = "When what changed in the files is EndpointSlices only, apply it once no file changed for "
                    + "this long (the endpoint fast path); at --debounce or above, the same as --debounce "
                    + "(default: 10ms).")
    void endpointDebounce(String value) {
        endpointDebounce = Values.debounce("--endpoint-debounce", value);
    }

    @Option(names = "--tcp-services-configmap", paramLabel = "NAMESPACE/NAME",
            description = "ingress-nginx's TCP services ConfigMap in DIR: each key a port, each value "
                    + "namespace/service:port[:PROXY][:PROXY] (default: none).")
    String tcpServices;

    @Option(names = "--configmap", paramLabel = "NAMESPACE/NAME",
            description = "ingress-nginx's controller ConfigMap in DIR: its keys (proxy-body-size, hsts, "
                    + "global-auth-url ...) set the defaults of every Ingress; keys not read are warnings "
                    + "(default: none).")
    String controllerConfigMap;

    @Option(names = "--udp-services-configmap", paramLabel = "NAMESPACE/NAME",
            description = "ingress-nginx's UDP services ConfigMap in DIR (default: none).")
    String udpServices;

    private List<String> servicesProxyFrom;

    @Option(names = "--tcp-services-proxy-protocol-from", paramLabel = "CIDR[,CIDR...]",
            description = "The peers whose PROXY protocol headers the TCP services ConfigMap's :PROXY entries accept; "
                    + "others are refused (default: every address, as ingress-nginx).")
    void servicesProxyFrom(String value) {
        servicesProxyFrom = L4Sources.cidrs("--tcp-services-proxy-protocol-from", value);
    }

    @Option(names = "--http-port", paramLabel = "N", description = "Plain HTTP (default: 8080).")
    void httpPort(String value) {
        httpPort = Values.number("--http-port", value, 0, 65535);
    }

    @Option(names = "--https-port", paramLabel = "N", description = "HTTPS (default: 8443).")
    void httpsPort(String value) {
        httpsPort = Values.number("--https-port", value, 0, 65535);
    }

    @Option(names = "--admin-port", paramLabel = "N",
            description = "/healthz, /readyz, /metrics, /table (default: 9090).")
    void adminPort(String value) {
        adminPort = Values.number("--admin-port", value, 0, 65535);
    }

    @Option(names = "--workers", paramLabel = "N", description = "Event-loop threads, 1 to 256 (default: the CPUs).")
    void workers(String value) {
        workers = Values.number("--workers", value, 1, 256);
    }

    @Option(names = "--default-certificate", paramLabel = "NAMESPACE/NAME",
            description = "A kubernetes.io/tls Secret of DIR, served when no SNI name matches (default: a "
                    + "self-signed ECDSA P-256 certificate generated at start).")
    void defaultCertificate(String value) {
        if (!value.matches("[a-z0-9.-]+/[a-z0-9.-]+")) {
            throw new IllegalArgumentException("--default-certificate: '" + value + "' (expected: NAMESPACE/NAME)");
        }
        defaultCertificate = value;
    }

    /** Starts serving and never returns (a signal ends the JVM). */
    @Override
    public Integer call() throws java.io.IOException, InterruptedException {
        LocalOptions o = options();
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // sampling leak detection costs every message a touch() in the pipeline; tests run it at paranoid
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        DataPlaneBuilder builder = DataPlane.builder().bindAddress(o.bind).httpPort(o.httpPort)
                .httpsPort(o.httpsPort).adminPort(o.adminPort).workers(o.workers)
                .config(ProxyConfig.defaults().withPublicHttpsPort(o.httpsPort == 0 ? 443 : o.httpsPort));
        if (o.defaultCertificate != null) {
            try {
                builder.defaultCertificate(DefaultCertificate.from(new ManifestLoader().load(o.directory).snapshot(),
                        o.defaultCertificate, Instant.now()));
            } catch (IllegalArgumentException e) {
                throw CommandLines.usageError(spec.commandLine(), e.getMessage());
            } catch (java.io.IOException e) {
                throw CommandLines.usageError(spec.commandLine(), "--default-certificate " + o.defaultCertificate
                        + ": cannot read " + o.directory + ": " + e.getMessage());
            }
        }
        DataPlane dataPlane = o.edge().applyTo(builder).build().start();
        LocalMode local = new LocalMode(o.directory, dataPlane::apply, o.compilerOptions(),
                message -> System.err.println("breakwater: " + message));
        // SIGTERM/SIGINT: not ready at once, stop accepting, let requests in flight finish (10 s), exit 0
        dev.breakwater.dataplane.Main.drainOnSignals(dataPlane, Duration.ZERO, Duration.ofSeconds(10));
        local.reload();
        local.watch(debounce.toMillis(), endpointDebounce.toMillis());
        System.err.printf("breakwater: serving %s on http://%s:%d and https://%s:%d (TLS by %s; admin http://%s:%d)%n",
                o.directory, o.bind, dataPlane.httpPort(), o.bind, dataPlane.httpsPort(), dataPlane.tlsProvider(),
                o.bind, dataPlane.adminPort());
        new CountDownLatch(1).await();
        return 0;
    }

    /** The options given, checked. */
    LocalOptions options() {
        if (dirs.size() > 1) {
            throw CommandLines.usageError(spec.commandLine(), "more than one folder given: " + dirs.get(0) + " and "
                    + dirs.get(1));
        }
        if (dirs.isEmpty()) {
            throw CommandLines.usageError(spec.commandLine(), "local needs a folder of manifests");
        }
        Path dir = dirs.get(0);
        if (!Files.isDirectory(dir)) {
            throw CommandLines.usageError(spec.commandLine(), dir + " is not a folder");
        }
        try {
            alsoServe.forEach(Values::alsoServedClass);
        } catch (IllegalArgumentException e) {
            throw CommandLines.usageError(spec.commandLine(), e.getMessage());
        }
        L4Sources l4;
        try {
            l4 = new L4Sources(tcpServices, udpServices, servicesProxyFrom);
        } catch (IllegalArgumentException e) {
            throw CommandLines.usageError(spec.commandLine(), e.getMessage().replace("tcpServices:",
                    "--tcp-services-configmap:").replace("udpServices:", "--udp-services-configmap:"));
        }
        try {
            CompilerOptions.local().withControllerConfigMap(controllerConfigMap);
        } catch (IllegalArgumentException e) {
            throw CommandLines.usageError(spec.commandLine(), e.getMessage().replace("controllerConfigMap:",
                    "--configmap:"));
        }
        try {
            CompilerOptions.local().withDefaultBackendService(defaultBackendService);
        } catch (IllegalArgumentException e) {
            throw CommandLines.usageError(spec.commandLine(), "--default-backend-service: '" + defaultBackendService
                    + "' (expected: NAMESPACE/NAME:PORT, such as default/errors:80)");
        }
        return new LocalOptions(dir, bind, httpPort, httpsPort, adminPort, workers, defaultCertificate, edge,
                List.copyOf(alsoServe), l4, controllerConfigMap, defaultBackendService);
    }

    /** Parsed options of {@code local}. */
    public record LocalOptions(Path directory, String bind, int httpPort, int httpsPort, int adminPort, int workers,
                               String defaultCertificate, EdgeOptions edge, List<String> alsoServedClasses,
                               L4Sources l4Sources, String controllerConfigMap, String defaultBackendService) {

        public LocalOptions(Path directory, String bind, int httpPort, int httpsPort, int adminPort, int workers,
                            String defaultCertificate, EdgeOptions edge, List<String> alsoServedClasses,
                            L4Sources l4Sources, String controllerConfigMap) {
            this(directory, bind, httpPort, httpsPort, adminPort, workers, defaultCertificate, edge,
                    alsoServedClasses, l4Sources, controllerConfigMap, null);
        }

        public LocalOptions(Path directory, String bind, int httpPort, int httpsPort, int adminPort, int workers,
                            String defaultCertificate, EdgeOptions edge, List<String> alsoServedClasses) {
            this(directory, bind, httpPort, httpsPort, adminPort, workers, defaultCertificate, edge,
                    alsoServedClasses, L4Sources.NONE, null);
        }

        public LocalOptions(Path directory, String bind, int httpPort, int httpsPort, int adminPort, int workers,
                            String defaultCertificate, EdgeOptions edge, List<String> alsoServedClasses,
                            L4Sources l4Sources) {
            this(directory, bind, httpPort, httpsPort, adminPort, workers, defaultCertificate, edge,
                    alsoServedClasses, l4Sources, null);
        }

        /** Local mode's compiler options, with the classes {@code --also-serve-class} names. */
        public CompilerOptions compilerOptions() {
            return CompilerOptions.local().alsoServing(alsoServedClasses)
                    .withL4Sources(l4Sources == null ? L4Sources.NONE : l4Sources)
                    .withControllerConfigMap(controllerConfigMap)
                    .withDefaultBackendService(defaultBackendService);
        }

        /** The options after {@code local}; a mistake is reported with the usage, and the JVM exits with 2. */
        public static LocalOptions parse(List<String> args) {
            LocalCommand command = new LocalCommand();
            CommandLine commandLine = CommandLines.of(command);
            String[] array = args.toArray(String[]::new);
            try {
                commandLine.parseArgs(array);
                return command.options();
            } catch (ParameterException e) {
                try {
                    System.exit(commandLine.getParameterExceptionHandler().handleParseException(e, array));
                } catch (Exception unexpected) {
                    throw new IllegalStateException(unexpected);
                }
                return null;
            }
        }
    }
}
