package dev.breakwater.dataplane;

import dev.breakwater.channel.ChannelTls;
import dev.breakwater.dataplane.channel.TableClient;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableCodec;
import io.netty.util.ResourceLeakDetector;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * The data plane on its own: {@code java -jar breakwater-dataplane.jar [options]}. It serves the tables the
 * operator pushes ({@code --operator} and the channel's credentials; see {@link TableClient}), or one routing
 * table read from a JSON file ({@code --table}).
 *
 * <p>On SIGTERM (or SIGINT) it drains as a Kubernetes pod must: {@code /readyz} fails at once, it keeps
 * serving for {@code --shutdown-grace}, then stops accepting and gives requests in flight up to
 * {@code --shutdown-timeout}, and exits 0.
 */
public final class Main {

    static final String USAGE = """
            usage: java -jar breakwater-dataplane.jar
                   (--table FILE | --operator HOST:PORT --channel-ca FILE --channel-cert FILE --channel-key FILE
                                   [--channel-server-name NAME] [--table-cache FILE])
                   [--bind 0.0.0.0] [--http-port 8080] [--https-port 8443 | -1] [--admin-port 9090] [--workers N]
                   [--shutdown-grace 5s] [--shutdown-timeout 30s]
            """ + EdgeOptions.USAGE + """

              --table FILE          serve this routing table (JSON), and nothing else
              --operator HOST:PORT  serve the tables the operator's push channel sends (mutual TLS with the
                                    channel's CA, client certificate and key); the name the operator's certificate
                                    must carry is --channel-server-name (default: HOST)
              --table-cache FILE    keep the last table applied in FILE (private keys included) and serve it at
                                    start, before the operator answers
              The data plane names itself NODE_NAME/POD_NAME (environment; default: the host name) to the operator.
            """;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String bind = "0.0.0.0";
        int http = 8080;
        int https = 8443;
        int admin = 9090;
        int workers = Runtime.getRuntime().availableProcessors();
        Path tableFile = null;
        String operator = null;
        Path channelCa = null;
        Path channelCert = null;
        Path channelKey = null;
        String serverName = null;
        Path tableCache = null;
        Duration grace = Duration.ofSeconds(5);
        Duration timeout = Duration.ofSeconds(30);
        EdgeOptions edge = new EdgeOptions();
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String a = rest.remove(0);
            if (a.equals("-h") || a.equals("--help")) {
                System.out.print(USAGE);
                return;
            }
            if (rest.isEmpty()) {
                fail(a + " needs a value");
            }
            String v = rest.remove(0);
            switch (a) {
                case "--table" -> tableFile = Path.of(v);
                case "--operator" -> operator = v;
                case "--channel-ca" -> channelCa = Path.of(v);
                case "--channel-cert" -> channelCert = Path.of(v);
                case "--channel-key" -> channelKey = Path.of(v);
                case "--channel-server-name" -> serverName = v;
                case "--table-cache" -> tableCache = Path.of(v);
                case "--bind" -> bind = v;
                case "--http-port" -> http = Integer.parseInt(v);
                case "--https-port" -> https = Integer.parseInt(v);
                case "--admin-port" -> admin = Integer.parseInt(v);
                case "--workers" -> workers = Integer.parseInt(v);
                case "--shutdown-grace" -> grace = duration(a, v);
                case "--shutdown-timeout" -> timeout = duration(a, v);
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
        if ((tableFile == null) == (operator == null)) {
            fail("give either --table FILE or --operator HOST:PORT");
        }
        boolean channelOptions = channelCa != null || channelCert != null || channelKey != null || serverName != null
                || tableCache != null;
        if (tableFile != null && channelOptions) {
            fail("--channel-* and --table-cache go with --operator, not with --table");
        }
        if (operator != null && (channelCa == null || channelCert == null || channelKey == null)) {
            fail("--operator needs --channel-ca, --channel-cert and --channel-key");
        }
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        RoutingTable table = tableFile == null ? null : TableCodec.decode(Files.readAllBytes(tableFile));
        TableClient.Builder client = null;
        if (operator != null) {
            int colon = operator.lastIndexOf(':');
            if (colon <= 0) {
                fail("--operator: '" + operator + "' (expected: HOST:PORT)");
            }
            String host = operator.substring(0, colon).replaceAll("^\\[(.*)]$", "$1");
            try {
                client = TableClient.builder().operator(host, Integer.parseInt(operator.substring(colon + 1)))
                        .tls(ChannelTls.client(channelCa, channelCert, channelKey))
                        .identity(identity("NODE_NAME"), identity("POD_NAME"));
            } catch (IllegalArgumentException e) {
                fail(e.getMessage().startsWith("For input string") ? "--operator: '" + operator
                        + "' (expected: HOST:PORT)" : e.getMessage());
            }
            if (serverName != null) {
                client.serverName(serverName);
            }
            if (tableCache != null) {
                client.tableCache(tableCache);
            }
        }
        DataPlane dataPlane = edge.applyTo(DataPlane.builder().bindAddress(bind).httpPort(http).httpsPort(https)
                .adminPort(admin).workers(workers)).build().start();
        if (table != null) {
            dataPlane.apply(table);
            System.err.printf("breakwater-dataplane: serving table v%d from %s on %s:%d%n", table.version(),
                    tableFile, bind, dataPlane.httpPort());
        } else {
            client.dataPlane(dataPlane).build().start();
            System.err.printf("breakwater-dataplane: serving the tables of the operator at %s on %s:%d%n", operator,
                    bind, dataPlane.httpPort());
        }
        drainOnSignals(dataPlane, grace, timeout);
        new CountDownLatch(1).await();
    }

    /** SIGTERM and SIGINT drain the data plane, then the process exits 0. */
    public static void drainOnSignals(DataPlane dataPlane, Duration grace, Duration timeout) {
        sun.misc.SignalHandler handler = signal -> new Thread(() -> {
            try {
                int left = dataPlane.drainAndClose(grace, timeout);
                System.err.printf("breakwater-dataplane: SIG%s: drained (%d connection(s) cut at the deadline)%n",
                        signal.getName(), left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                Runtime.getRuntime().halt(0);
            }
        }, "breakwater-drain").start();
        Signal.handle(new Signal("TERM"), handler);
        Signal.handle(new Signal("INT"), handler);
    }

    /** A name from the environment (Kubernetes' downward API), else the host name. */
    private static String identity(String variable) {
        String v = System.getenv(variable);
        if (v != null && !v.isBlank()) {
            return v;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    static Duration duration(String name, String v) {
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(v));
        } catch (NumberFormatException e) {
            fail(name + ": '" + v + "' (expected: a duration such as 500ms or 5s)");
            return null;
        }
    }

    static void fail(String message) {
        System.err.println("breakwater-dataplane: " + message);
        System.err.print(USAGE);
        System.exit(2);
    }
}
