package dev.breakwater.operator;

import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.local.LocalCommand;
import dev.breakwater.channel.ChannelCredentials;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        LocalCommand.run(List.of(args).subList(1, args.length));
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
    public static String alsoServedClass(String value) {
        try {
            CompilerOptions.local(null).alsoServing(List.of(value));
        } catch (IllegalArgumentException e) {
            fail("--also-serve-class: '" + value + "' is not an IngressClass name (lower-case letters, digits, '-' "
                    + "and '.', such as nginx)");
        }
        return value;
    }

    public static void fail(String message) {
        System.err.println("breakwater: " + message);
        System.err.print(USAGE);
        System.exit(2);
    }
}
