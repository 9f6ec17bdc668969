package dev.breakwater.operator;

import dev.breakwater.channel.ChannelTls;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.local.LocalMode;
import dev.breakwater.operator.publish.TableServer;
import io.netty.util.ResourceLeakDetector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * {@code breakwater serve-tables DIR}: local mode's compiler on a folder of manifests, each table published over
 * the push channel (a {@link TableServer}) instead of served in this process. What data planes answer is
 * printed: {@code breakwater: NODE/POD serves v3}, {@code breakwater: error: NODE/POD refused v4: reason}.
 */
final class ServeTables {

    private ServeTables() {
    }

    static void run(List<String> args) throws Exception {
        Path dir = null;
        Path ca = null;
        Path cert = null;
        Path key = null;
        String bind = "0.0.0.0";
        int port = 9400;
        List<String> alsoServe = new ArrayList<>();
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String a = rest.remove(0);
            if (!a.startsWith("--")) {
                if (dir != null) {
                    Main.fail("more than one folder given: " + dir + " and " + a);
                }
                dir = Path.of(a);
                continue;
            }
            if (rest.isEmpty()) {
                Main.fail(a + " needs a value");
            }
            String v = rest.remove(0);
            switch (a) {
                case "--channel-ca" -> ca = Path.of(v);
                case "--channel-cert" -> cert = Path.of(v);
                case "--channel-key" -> key = Path.of(v);
                case "--bind" -> bind = v;
                case "--also-serve-class" -> alsoServe.add(Main.alsoServedClass(v));
                case "--port" -> {
                    try {
                        port = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        port = -1;
                    }
                    if (port < 0 || port > 65535) {
                        Main.fail("--port: '" + v + "' (expected: a number from 0 to 65535)");
                    }
                }
                default -> Main.fail("unknown option " + a);
            }
        }
        if (dir == null) {
            Main.fail("serve-tables needs a folder of manifests");
        }
        if (!Files.isDirectory(dir)) {
            Main.fail(dir + " is not a folder");
        }
        if (ca == null || cert == null || key == null) {
            Main.fail("serve-tables needs --channel-ca, --channel-cert and --channel-key (see: breakwater credentials)");
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
            Main.fail(e.getMessage());
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
        local.watch(150);
        System.err.printf("breakwater: publishing the tables of %s on %s:%d (push channel)%n", dir, bind,
                server.port());
        new CountDownLatch(1).await();
    }
}
