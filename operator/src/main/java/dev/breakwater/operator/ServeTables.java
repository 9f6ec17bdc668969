package dev.breakwater.operator;

import dev.breakwater.channel.ChannelTls;
import dev.breakwater.operator.cli.CommandLines;
import dev.breakwater.operator.cli.Values;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.local.LocalMode;
import dev.breakwater.operator.publish.TableServer;
import io.netty.util.ResourceLeakDetector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code breakwater serve-tables DIR}: local mode's compiler on a folder of manifests, each table published over
 * the push channel (a {@link TableServer}) instead of served in this process. What data planes answer is
 * printed: {@code breakwater: NODE/POD serves v3}, {@code breakwater: error: NODE/POD refused v4: reason}.
 */
@Command(name = "serve-tables",
        description = "Compile DIR as local does, and publish each table over the push channel to the data planes "
                + "that connect (java -jar breakwater-dataplane.jar --operator HOST:PORT ...).")
final class ServeTables implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", arity = "0..*", description = "The folder of manifests (*.yaml, *.yml).")
    List<Path> dirs = new ArrayList<>();

    @Option(names = "--channel-ca", paramLabel = "FILE", description = "The push channel's CA (PEM; required).")
    Path ca;

    @Option(names = "--channel-cert", paramLabel = "FILE",
            description = "The operator's server certificate (PEM; required).")
    Path cert;

    @Option(names = "--channel-key", paramLabel = "FILE", description = "Its private key (PEM; required).")
    Path key;

    @Option(names = "--bind", paramLabel = "ADDR", description = "The table service's address (default: 0.0.0.0).")
    String bind = "0.0.0.0";

    private int port = 9400;

    @Option(names = "--also-serve-class", paramLabel = "NAME",
            description = "Also serve the Ingresses of IngressClass NAME, such as nginx (repeatable).")
    List<String> alsoServe = new ArrayList<>();

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

    @Option(names = "--port", paramLabel = "N", description = "The table service's port (default: 9400).")
    void port(String value) {
        port = Values.number("--port", value, 0, 65535);
    }

    @Override
    public Integer call() throws Exception {
        if (dirs.size() > 1) {
            throw CommandLines.usageError(spec.commandLine(), "more than one folder given: " + dirs.get(0) + " and "
                    + dirs.get(1));
        }
        if (dirs.isEmpty()) {
            throw CommandLines.usageError(spec.commandLine(), "serve-tables needs a folder of manifests");
        }
        Path dir = dirs.get(0);
        if (!Files.isDirectory(dir)) {
            throw CommandLines.usageError(spec.commandLine(), dir + " is not a folder");
        }
        if (ca == null || cert == null || key == null) {
            throw CommandLines.usageError(spec.commandLine(),
                    "serve-tables needs --channel-ca, --channel-cert and --channel-key (see: breakwater credentials)");
        }
        try {
            alsoServe.forEach(Values::alsoServedClass);
        } catch (IllegalArgumentException e) {
            throw CommandLines.usageError(spec.commandLine(), e.getMessage());
        }
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        TableServer.Builder builder = TableServer.builder().bindAddress(bind).port(port)
                .listener((dataPlane, answer) -> System.err.println(answer.acked()
                        ? "breakwater: " + dataPlane.id() + " serves v" + answer.version()
                        : "breakwater: error: " + dataPlane.id() + " refused v" + answer.version() + ": "
                                + answer.reason()));
        try {
            builder.tls(ChannelTls.server(cert, key, ca));
        } catch (IllegalArgumentException e) {
            throw CommandLines.usageError(spec.commandLine(), e.getMessage());
        }
        TableServer server = builder.build().start();
        LocalMode local = new LocalMode(dir, server::publish, CompilerOptions.local().alsoServing(alsoServe),
                message -> System.err.println("breakwater: " + message));
        sun.misc.SignalHandler stop = signal -> {
            server.close();
            Runtime.getRuntime().halt(0);
        };
        Signal.handle(new Signal("TERM"), stop);
        Signal.handle(new Signal("INT"), stop);
        local.reload();
        local.watch(debounce.toMillis(), endpointDebounce.toMillis());
        System.err.printf("breakwater: publishing the tables of %s on %s:%d (push channel)%n", dir, bind,
                server.port());
        new CountDownLatch(1).await();
        return 0;
    }
}
