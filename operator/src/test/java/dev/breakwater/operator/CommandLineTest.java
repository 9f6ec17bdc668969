package dev.breakwater.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The operator's command line (picocli): help for every command, shell completion, mistakes named. */
class CommandLineTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(CommandLine commandLine, String... args) {
        commandLine.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void everyCommandHasItsHelp() {
        for (String command : Main.commandLine().getSubcommands().keySet()) {
            out.getBuffer().setLength(0);
            assertThat(execute(Main.commandLine(), command, "--help")).as(command).isZero();
            assertThat(out.toString()).as(command).contains("Usage: breakwater " + command);
        }
        assertThat(execute(Main.commandLine(), "--help")).isZero();
        assertThat(out.toString()).contains("local", "run", "serve-tables", "credentials", "completion");
    }

    @Test
    void completionCoversEveryCommandAndOption() {
        assertThat(execute(Main.commandLine(), "completion")).isZero();

        assertThat(out.toString()).startsWith("#!/usr/bin/env bash").contains("serve-tables", "credentials",
                "--also-serve-class", "--debounce-max", "--cache-size", "--path-escaped-slashes");
    }

    @Test
    void aMistakeNamesTheOptionAndExitsWith2(@TempDir Path dir) {
        assertThat(execute(Main.commandLine(), "local", dir.toString(), "--http-port", "http")).isEqualTo(2);
        assertThat(err.toString()).startsWith("breakwater: --http-port: 'http' (expected: a number from 0 to 65535)")
                .contains("Usage: breakwater local");

        err.getBuffer().setLength(0);
        assertThat(execute(Main.commandLine(), "run", "--debounce", "soon")).isEqualTo(2);
        assertThat(err.toString()).startsWith("breakwater: --debounce: 'soon'");

        err.getBuffer().setLength(0);
        assertThat(execute(Main.commandLine(), "serve-tables", dir.toString(), "--bogus", "1")).isEqualTo(2);
        assertThat(err.toString()).startsWith("breakwater: unknown option --bogus");

        err.getBuffer().setLength(0);
        assertThat(execute(Main.commandLine(), "credentials")).isEqualTo(2);
        assertThat(err.toString()).startsWith("breakwater: credentials needs a folder to write to");

        err.getBuffer().setLength(0);
        assertThat(execute(dev.breakwater.dataplane.Main.commandLine(), "--shutdown-grace", "later")).isEqualTo(2);
        assertThat(err.toString()).startsWith("breakwater-dataplane: --shutdown-grace: 'later'")
                .contains("Usage: breakwater-dataplane");
    }

    @Test
    void credentialsWritesTheFiles(@TempDir Path dir) {
        assertThat(execute(Main.commandLine(), "credentials", dir.resolve("c").toString(), "--server-name", "op.ns.svc"))
                .isZero();

        assertThat(dir.resolve("c").toFile().list()).containsExactlyInAnyOrder("ca.crt", "ca.key", "server.crt",
                "server.key", "client.crt", "client.key");
    }
}
