package dev.breakwater.operator;

import dev.breakwater.channel.ChannelCredentials;
import dev.breakwater.operator.cli.CommandLines;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code breakwater credentials DIR [--server-name NAME]...}: a new CA, server and client certificate (PEM files). */
@Command(name = "credentials",
        description = "Write a new push-channel CA, server certificate and data-plane client certificate (ca.crt "
                + "ca.key server.crt server.key client.crt client.key) into DIR; existing files are never "
                + "overwritten.")
final class CredentialsCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", arity = "0..*", description = "The folder to write them into (created).")
    List<Path> dirs = new ArrayList<>();

    @Option(names = "--server-name", paramLabel = "NAME",
            description = "A DNS name or IP address of the server certificate (repeatable; default: "
                    + "breakwater-operator, localhost, 127.0.0.1).")
    List<String> names = new ArrayList<>();

    @Override
    public Integer call() {
        if (dirs.isEmpty()) {
            throw CommandLines.usageError(spec.commandLine(), "credentials needs a folder to write to");
        }
        if (dirs.size() > 1) {
            throw CommandLines.usageError(spec.commandLine(), "more than one folder given: " + dirs.get(0) + " and "
                    + dirs.get(1));
        }
        Path dir = dirs.get(0);
        List<String> serverNames = names.isEmpty() ? ChannelCredentials.DEFAULT_SERVER_NAMES : names;
        try {
            ChannelCredentials.generate(serverNames).writeTo(dir);
        } catch (IllegalArgumentException e) {
            throw CommandLines.usageError(spec.commandLine(), e.getMessage());
        } catch (FileAlreadyExistsException e) {
            throw CommandLines.usageError(spec.commandLine(),
                    e.getFile() + " exists; credentials are never overwritten");
        } catch (IOException e) {
            throw CommandLines.usageError(spec.commandLine(), dir + ": " + e);
        }
        System.err.printf("breakwater: push-channel credentials written to %s (server names: %s)%n", dir, serverNames);
        return 0;
    }
}
