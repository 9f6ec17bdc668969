package dev.breakwater.operator;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.ProxyConfig;
import dev.breakwater.operator.compile.DefaultCertificate;
import dev.breakwater.operator.local.ManifestLoader;
import java.time.Duration;
import java.time.Instant;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.local.LocalMode;
import dev.breakwater.operator.publish.ChannelCredentials;
import io.netty.util.ResourceLeakDetector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The command line: {@code breakwater local DIR [options]}, {@code breakwater serve-tables DIR [options]} and
 * {@code breakwater credentials DIR [options]}.
 */
public final class Main {

    static final String USAGE = """
            usage: breakwater local DIR [--http-port 8080] [--https-port 8443] [--admin-port 9090]
                                        [--bind 127.0.0.1] [--workers N] [--default-certificate NAMESPACE/NAME]
                                        [--cache-size 256Mi] [--cache-max-object-size 8Mi] [--cache-default-ttl 0s]
                                        [--cache-lock-timeout 5s] [--rate-limit-keys 100000]
                                        [--admin-token-file FILE] [--also-serve-class NAME]...

                   breakwater serve-tables DIR --channel-ca FILE --channel-cert FILE --channel-key FILE
                                        [--port 9400] [--bind 0.0.0.0] [--also-serve-class NAME]...
                   breakwater credentials DIR [--server-name NAME]...
                   breakwater run [--kubeconfig FILE] [--namespaces NS,...] [--ingress-class NAME,...]
                                  [--status-address ADDR,... | --status-service NS/NAME | --status-pods SELECTOR]
                                  [...; `run --help` lists every option]

              local DIR         serve the Ingress, Route, IngressClass, Service, EndpointSlice and Secret manifests
                                (*.yaml, *.yml) of DIR over HTTP and HTTPS, and re-read DIR when a file in it changes
              serve-tables DIR  compile DIR as local does, and publish each table over the push channel to the
                                data planes that connect (java -jar breakwater-dataplane.jar --operator HOST:PORT ...)
              --also-serve-class NAME
                                also serve the Ingresses of IngressClass NAME (such as nginx: spec.ingressClassName
                                or kubernetes.io/ingress.class), whatever controller that class names
              credentials DIR   write a new push-channel CA, server certificate and data-plane client certificate
                                (ca.crt ca.key server.crt server.key client.crt client.key) into DIR; the server
                                certificate is for each --server-name (default: breakwater-operator, localhost,
                                127.0.0.1)
              run               the in-cluster operator: watch the Kubernetes API, compile, publish tables to the
                                data planes (leader only), write Ingress status and Events
            """;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            System.out.print(USAGE);
            return;
        }
        switch (args[0]) {
            case "local" -> { }
            case "serve-tables" -> {
                ServeTables.run(List.of(args).subList(1, args.length));
                return;
            }
            case "credentials" -> {
                credentials(List.of(args).subList(1, args.length));
                return;
            }
            case "run" -> {
                List<String> rest = List.of(args).subList(1, args.length);
                if (rest.contains("-h") || rest.contains("--help")) {
                    System.out.print(dev.breakwater.operator.run.RunMode.usage());
                    return;
                }
                dev.breakwater.operator.run.RunMode.main(rest);
                return;
            }
            default -> fail("unknown command '" + args[0] + "'");
        }
        LocalOptions o = LocalOptions.parse(List.of(args).subList(1, args.length));
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // sampling leak detection costs every message a touch() in the pipeline; tests run it at paranoid
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        DataPlane.Builder builder = DataPlane.builder().bindAddress(o.bind).httpPort(o.httpPort)
                .httpsPort(o.httpsPort).adminPort(o.adminPort).workers(o.workers)
                .config(ProxyConfig.defaults().withPublicHttpsPort(o.httpsPort == 0 ? 443 : o.httpsPort));
        if (o.defaultCertificate != null) {
            try {
                builder.defaultCertificate(DefaultCertificate.from(new ManifestLoader().load(o.directory).snapshot(),
                        o.defaultCertificate, Instant.now()));
            } catch (IllegalArgumentException e) {
                fail(e.getMessage());
            } catch (java.io.IOException e) {
                fail("--default-certificate " + o.defaultCertificate + ": cannot read " + o.directory + ": "
                        + e.getMessage());
            }
        }
        DataPlane dataPlane = o.edge().applyTo(builder).build().start();
        LocalMode local = new LocalMode(o.directory, dataPlane::apply, o.compilerOptions(),
                message -> System.err.println("breakwater: " + message));
        // SIGTERM/SIGINT: not ready at once, stop accepting, let requests in flight finish (10 s), exit 0
        dev.breakwater.dataplane.Main.drainOnSignals(dataPlane, Duration.ZERO, Duration.ofSeconds(10));
        local.reload();
        local.watch(150);
        System.err.printf("breakwater: serving %s on http://%s:%d and https://%s:%d (TLS by %s; admin http://%s:%d)%n",
                o.directory, o.bind, dataPlane.httpPort(), o.bind, dataPlane.httpsPort(), dataPlane.tlsProvider(),
                o.bind, dataPlane.adminPort());
        new CountDownLatch(1).await();
    }

    /** {@code credentials DIR [--server-name NAME]...}: a new CA, server and client certificate, as PEM files. */
    private static void credentials(List<String> args) {
        Path dir = null;
        List<String> names = new ArrayList<>();
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String a = rest.remove(0);
            if (a.equals("--server-name")) {
                if (rest.isEmpty()) {
                    fail("--server-name needs a value");
                }
                names.add(rest.remove(0));
            } else if (a.startsWith("--")) {
                fail("unknown option " + a);
            } else if (dir != null) {
                fail("more than one folder given: " + dir + " and " + a);
            } else {
                dir = Path.of(a);
            }
        }
        if (dir == null) {
            fail("credentials needs a folder to write to");
        }
        try {
            ChannelCredentials.generate(names.isEmpty() ? ChannelCredentials.DEFAULT_SERVER_NAMES : names).writeTo(dir);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
        } catch (java.nio.file.FileAlreadyExistsException e) {
            fail(e.getFile() + " exists; credentials are never overwritten");
        } catch (java.io.IOException e) {
            fail(dir + ": " + e);
        }
        System.err.printf("breakwater: push-channel credentials written to %s (server names: %s)%n", dir,
                names.isEmpty() ? ChannelCredentials.DEFAULT_SERVER_NAMES : names);
    }

    /** The value of {@code --also-serve-class}, checked as an IngressClass name. */
    static String alsoServedClass(String value) {
        try {
            CompilerOptions.local(null).alsoServing(List.of(value));
        } catch (IllegalArgumentException e) {
            fail("--also-serve-class: '" + value + "' is not an IngressClass name (lower-case letters, digits, '-' "
                    + "and '.', such as nginx)");
        }
        return value;
    }

    static void fail(String message) {
        System.err.println("breakwater: " + message);
        System.err.print(USAGE);
        System.exit(2);
    }

    /** Parsed options of {@code local}. */
    record LocalOptions(Path directory, String bind, int httpPort, int httpsPort, int adminPort, int workers,
                        String defaultCertificate, dev.breakwater.dataplane.EdgeOptions edge,
                        List<String> alsoServedClasses) {

        /** Local mode's compiler options, with the classes {@code --also-serve-class} names. */
        CompilerOptions compilerOptions() {
            return CompilerOptions.local().alsoServing(alsoServedClasses);
        }

        static LocalOptions parse(List<String> args) {
            Path dir = null;
            String bind = "127.0.0.1";
            int http = 8080;
            int https = 8443;
            int admin = 9090;
            int workers = Runtime.getRuntime().availableProcessors();
            String cert = null;
            dev.breakwater.dataplane.EdgeOptions edge = new dev.breakwater.dataplane.EdgeOptions();
            List<String> alsoServe = new ArrayList<>();
            List<String> rest = new ArrayList<>(args);
            while (!rest.isEmpty()) {
                String a = rest.remove(0);
                if (!a.startsWith("--")) {
                    if (dir != null) {
                        fail("more than one folder given: " + dir + " and " + a);
                    }
                    dir = Path.of(a);
                    continue;
                }
                if (rest.isEmpty()) {
                    fail(a + " needs a value");
                }
                String v = rest.remove(0);
                switch (a) {
                    case "--http-port" -> http = port(a, v);
                    case "--https-port" -> https = port(a, v);
                    case "--admin-port" -> admin = port(a, v);
                    case "--bind" -> bind = v;
                    case "--workers" -> workers = number(a, v, 1, 256);
                    case "--default-certificate" -> {
                        if (!v.matches("[a-z0-9.-]+/[a-z0-9.-]+")) {
                            fail("--default-certificate: '" + v + "' (expected: NAMESPACE/NAME)");
                        }
                        cert = v;
                    }
                    case "--also-serve-class" -> alsoServe.add(alsoServedClass(v));
                    default -> {
                        try {
                            if (!edge.accept(a, v)) {
                                fail("unknown option " + a);
                            }
                        } catch (IllegalArgumentException e) {
                            fail(e.getMessage());
                        }
                    }
                }
            }
            if (dir == null) {
                fail("local needs a folder of manifests");
            }
            if (!Files.isDirectory(dir)) {
                fail(dir + " is not a folder");
            }
            return new LocalOptions(dir, bind, http, https, admin, workers, cert, edge, List.copyOf(alsoServe));
        }

        private static int port(String name, String v) {
            return number(name, v, 0, 65535);
        }

        private static int number(String name, String v, int min, int max) {
            try {
                int n = Integer.parseInt(v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            fail(name + ": '" + v + "' (expected: a number from " + min + " to " + max + ")");
            return -1;
        }
    }
}
