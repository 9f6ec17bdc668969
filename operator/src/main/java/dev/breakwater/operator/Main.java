package dev.breakwater.operator;

import dev.breakwater.operator.cli.CommandLines;
import dev.breakwater.operator.local.LocalCommand;
import dev.breakwater.operator.migrate.MigrateCommand;
import dev.breakwater.operator.run.RunCommand;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The command line (picocli): {@code breakwater local DIR}, {@code breakwater run}, {@code breakwater serve-tables
 * DIR}, {@code breakwater credentials DIR}, {@code breakwater migrate DIR|--from-cluster} and
 * {@code breakwater completion}; {@code --help} on each.
 */
@Command(name = "breakwater", synopsisSubcommandLabel = "COMMAND",
        description = "Breakwater, a Kubernetes ingress controller: the operator's commands.",
        subcommands = {LocalCommand.class, RunCommand.class, ServeTables.class, CredentialsCommand.class,
                MigrateCommand.class, Main.Completion.class, CommandLine.HelpCommand.class},
        footer = {"", "Each command takes --help. The documentation: docs/cli.md."})
public final class Main implements Runnable {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    /** The command line of the operator's jar, with every command. */
    public static CommandLine commandLine() {
        return CommandLines.of(new Main());
    }

    public static void main(String[] args) {
        // java.util.logging (the OpenTelemetry SDK's, the JDK's) through SLF4J and Logback, in the one log format
        if (!org.slf4j.bridge.SLF4JBridgeHandler.isInstalled()) {
            org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
            org.slf4j.bridge.SLF4JBridgeHandler.install();
        }
        int status = commandLine().execute(args);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Without a command: the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code breakwater completion}: a bash (and zsh) completion script for every command and option. */
    @Command(name = "completion",
            description = {"Print a bash/zsh completion script for breakwater:", "  source <(./breakwater completion)"})
    static final class Completion implements Runnable {

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().getOut().print(AutoComplete.bash("breakwater", spec.root().commandLine()));
            spec.commandLine().getOut().flush();
        }
    }
}
