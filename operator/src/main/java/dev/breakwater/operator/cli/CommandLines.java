package dev.breakwater.operator.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * How the operator's commands parse (picocli): a later value of an option replaces an earlier one, option names are
 * never abbreviated, and a mistake is reported as one line naming the option and what was expected (the options'
 * own checks word it; see {@link #message}), then the command's usage, with exit status 2.
 */
public final class CommandLines {

    private CommandLines() {
    }

    /** A command line for a command object (its options annotated with picocli's). */
    public static CommandLine of(Object command) {
        return new CommandLine(command)
                .setOverwrittenOptionsAllowed(true)
                .setAbbreviatedOptionsAllowed(false)
                .setParameterExceptionHandler(CommandLines::report);
    }

    /**
     * What went wrong, in one line: an option's own check ({@code --debounce: 'fast' (expected: a duration like
     * 50ms, 2s, 5m, 1h)}), {@code unknown option --bogus}, {@code --namespaces needs a value}.
     */
    public static String message(ParameterException e) {
        if (e.getCause() instanceof IllegalArgumentException check && check.getMessage() != null) {
            return check.getMessage();
        }
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String first = unmatched.getUnmatched().get(0);
            if (first.startsWith("-")) {
                return "unknown option " + first;
            }
            return e.getCommandLine().getSubcommands().isEmpty() ? "unexpected argument '" + first + "'"
                    : "unknown command '" + first + "'";
        }
        if (e instanceof CommandLine.MissingParameterException missing && !missing.getMissing().isEmpty()) {
            ArgSpec arg = missing.getMissing().get(0);
            if (arg instanceof OptionSpec option) {
                return option.longestName() + " needs a value";
            }
        }
        return e.getMessage();
    }

    /** A check that failed after parsing, reported like a bad option. */
    public static ParameterException usageError(CommandLine commandLine, String message) {
        return new ParameterException(commandLine, message);
    }

    private static int report(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().root().name() + ": " + message(e));
        command.usage(err);
        err.flush();
        return 2;
    }
}
