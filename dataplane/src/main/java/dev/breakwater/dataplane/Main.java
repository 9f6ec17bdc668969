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
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The data plane on its own: {@code java -jar breakwater-dataplane.jar [options]} (picocli; {@code --help} lists every
 * option, {@code completion} prints a bash/zsh completion script). It serves the tables the operator pushes
 * ({@code --operator} and the channel's credentials; see {@link TableClient}), or one routing table read from a JSON
 * file ({@code --table}).
 *
 * <p>On SIGTERM (or SIGINT) it drains as a Kubernetes pod must: {@code /readyz} fails at once, it keeps
 * serving for {@code --shutdown-grace}, then stops accepting and gives requests in flight up to
 * {@code --shutdown-timeout}, and exits 0.
 */
@Command(name = "breakwater-dataplane", subcommands = Main.Completion.class,
        description = "The Breakwater data plane: serve the tables the operator pushes (--operator), or one table read "
                + "from a JSON file (--table).",
        footer = {"", "The data plane names itself NODE_NAME/POD_NAME (environment; default: the host name) to the "
                + "operator.", "The documentation: docs/cli.md."})
public final class Main implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Option(names = "--table", paramLabel = "FILE", description = "Serve this routing table (JSON), and nothing else.")
    Path tableFile;

    @Option(names = "--operator", paramLabel = "HOST:PORT",
            description = "Serve the tables the operator's push channel sends (mutual TLS with the channel's CA, "
                    + "client certificate and key).")
    String operator;

    @Option(names = "--channel-ca", paramLabel = "FILE", description = "The push channel's CA (PEM).")
    Path channelCa;

    @Option(names = "--channel-cert", paramLabel = "FILE", description = "The data planes' client certificate (PEM).")
    Path channelCert;

    @Option(names = "--channel-key", paramLabel = "FILE", description = "Its private key (PEM).")
    Path channelKey;

    @Option(names = "--channel-server-name", paramLabel = "NAME",
            description = "The name the operator's certificate must carry (default: the HOST of --operator).")
    String serverName;

    @Option(names = "--table-cache", paramLabel = "FILE",
            description = "Keep the last table applied in FILE (private keys included) and serve it at start, before "
                    + "the operator answers.")
    Path tableCache;

    @Option(names = "--bind", paramLabel = "ADDR", description = "The listeners' address (default: 0.0.0.0).")
    String bind = "0.0.0.0";

    private int http = 8080;
    private int https = 8443;
    private int admin = 9090;
    private int workers = Runtime.getRuntime().availableProcessors();
    private Duration grace = Duration.ofSeconds(5);
    private Duration timeout = Duration.ofSeconds(30);

    @Mixin
    EdgeOptions edge = new EdgeOptions();

    @Option(names = "--http-port", paramLabel = "N", description = "Plain HTTP (default: 8080).")
    void httpPort(String v) {
        http = number("--http-port", v, 0, 65535);
    }

    @Option(names = "--https-port", paramLabel = "N", description = "HTTPS; -1 for none (default: 8443).")
    void httpsPort(String v) {
        https = number("--https-port", v, -1, 65535);
    }

    @Option(names = "--admin-port", paramLabel = "N",
            description = "/healthz, /readyz, /metrics, /table (default: 9090).")
    void adminPort(String v) {
        admin = number("--admin-port", v, 0, 65535);
    }

    @Option(names = "--workers", paramLabel = "N", description = "Event-loop threads (default: the CPUs the JVM sees).")
    void workers(String v) {
        workers = number("--workers", v, 1, 1024);
    }

    @Option(names = "--shutdown-grace", paramLabel = "DURATION",
            description = "After SIGTERM, how long it keeps accepting while not ready (default: 5s).")
    void shutdownGrace(String v) {
        grace = duration("--shutdown-grace", v);
    }

    @Option(names = "--shutdown-timeout", paramLabel = "DURATION",
            description = "Then, how long requests in flight may take (default: 30s).")
    void shutdownTimeout(String v) {
        timeout = duration("--shutdown-timeout", v);
    }

    private Main() {
    }

    /** The data plane's command line. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setOverwrittenOptionsAllowed(true).setAbbreviatedOptionsAllowed(false)
                .setParameterExceptionHandler(Main::report);
    }

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    public static void main(String[] args) {
        ProcessLogging.install();
        int status = commandLine().execute(args);
        if (status != 0) {
            System.exit(status);
        }
    }

    @Override
    public Integer call() throws Exception {
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
        // fed by an operator, the listeners open with the first table (from --table-cache or the channel): a new pod
        // behind a hostPort then refuses connections until it can route them, instead of answering 404
        DataPlane dataPlane = edge.applyTo(DataPlane.builder().bindAddress(bind).httpPort(http).httpsPort(https)
                .adminPort(admin).workers(workers).listenOnceServing(operator != null)).build().start();
        if (table != null) {
            dataPlane.apply(table);
            LOG.info("serving table v{} from {} on {}:{}", table.version(), tableFile, bind, dataPlane.httpPort());
        } else {
            client.dataPlane(dataPlane).build().start();
            LOG.info("serving the tables of the operator at {} on {}:{} once the first arrives", operator, bind, http);
        }
        drainOnSignals(dataPlane, grace, timeout);
        new CountDownLatch(1).await();
        return 0;
    }

    /** SIGTERM and SIGINT drain the data plane, then the process exits 0. */
    public static void drainOnSignals(DataPlane dataPlane, Duration grace, Duration timeout) {
        sun.misc.SignalHandler handler = signal -> new Thread(() -> {
            try {
                int left = dataPlane.drainAndClose(grace, timeout);
                LOG.info("SIG{}: drained ({} connection(s) cut at the deadline)", signal.getName(), left);
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
            throw new IllegalArgumentException(name + ": '" + v + "' (expected: a duration such as 500ms or 5s)");
        }
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
        throw new IllegalArgumentException(name + ": '" + v + "' (expected: a number from " + min + " to " + max + ")");
    }

    /** A check that failed after parsing, reported like a bad option: one line, the usage, exit status 2. */
    private void fail(String message) {
        throw new ParameterException(spec.commandLine(), message);
    }

    /**
     * A mistake in one line naming the option (the option's own check, {@code unknown option --x}, {@code --x needs
     * a value}), then the usage; exit status 2.
     */
    private static int report(ParameterException e, String[] args) {
        String message = e.getMessage();
        if (e.getCause() instanceof IllegalArgumentException check && check.getMessage() != null) {
            message = check.getMessage();
        } else if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            message = (u.getUnmatched().get(0).startsWith("-") ? "unknown option " : "unexpected argument ")
                    + u.getUnmatched().get(0);
        } else if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof OptionSpec option) {
            message = option.longestName() + " needs a value";
        }
        PrintWriter err = e.getCommandLine().getErr();
        err.println("breakwater-dataplane: " + message);
        e.getCommandLine().usage(err);
        err.flush();
        return 2;
    }

    /** {@code completion}: a bash (and zsh) completion script for the data plane's options. */
    @Command(name = "completion", description = {"Print a bash/zsh completion script:",
            "  source <(java -jar breakwater-dataplane.jar completion)"})
    static final class Completion implements Runnable {

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().getOut().print(AutoComplete.bash("breakwater-dataplane", spec.root().commandLine()));
            spec.commandLine().getOut().flush();
        }
    }
}
