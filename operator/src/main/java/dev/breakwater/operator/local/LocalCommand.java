package dev.breakwater.operator.local;

import static dev.breakwater.operator.Main.alsoServedClass;
import static dev.breakwater.operator.Main.fail;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.EdgeOptions;
import dev.breakwater.dataplane.ProxyConfig;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.compile.DefaultCertificate;
import io.netty.util.ResourceLeakDetector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code breakwater local DIR [options]}: the compiler and a data plane in one process, serving a folder of
 * manifests. The one part of the operator that runs the data plane in process.
 */
public final class LocalCommand {

    private LocalCommand() {
    }

    /** Parses the options after {@code local}, starts serving and never returns (a signal ends the JVM). */
    public static void run(List<String> args) throws java.io.IOException, InterruptedException {
        LocalOptions o = LocalOptions.parse(args);
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

    /** Parsed options of {@code local}. */
    public record LocalOptions(Path directory, String bind, int httpPort, int httpsPort, int adminPort, int workers,
                               String defaultCertificate, EdgeOptions edge, List<String> alsoServedClasses) {

        /** Local mode's compiler options, with the classes {@code --also-serve-class} names. */
        public CompilerOptions compilerOptions() {
            return CompilerOptions.local().alsoServing(alsoServedClasses);
        }

        public static LocalOptions parse(List<String> args) {
            Path dir = null;
            String bind = "127.0.0.1";
            int http = 8080;
            int https = 8443;
            int admin = 9090;
            int workers = Runtime.getRuntime().availableProcessors();
            String cert = null;
            EdgeOptions edge = new EdgeOptions();
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
