package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.dataplane.testing.BackendProcess;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableCodec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data plane's logs as a process writes them (Logback, configured by {@code logback.xml}): text lines by
 * default, JSON lines with {@code BREAKWATER_LOG_FORMAT=json}, the level from {@code BREAKWATER_LOG_LEVEL}.
 */
class LoggingTest {

    @TempDir
    Path dir;

    /** Starts {@code breakwater-dataplane --table} with the environment given, returns its log lines up to ready. */
    private List<String> linesUntilListening(String format, String level) throws Exception {
        Path table = dir.resolve("table.json");
        Files.write(table, TableCodec.encode(RoutingTable.empty()));
        ProcessBuilder pb = new ProcessBuilder(BackendProcess.javaBin(), "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "--table", table.toString(),
                "--bind", "127.0.0.1", "--http-port", "0", "--https-port", "-1", "--admin-port", "0");
        pb.environment().remove("BREAKWATER_LOG_FORMAT");
        pb.environment().remove("BREAKWATER_LOG_LEVEL");
        if (format != null) {
            pb.environment().put("BREAKWATER_LOG_FORMAT", format);
        }
        if (level != null) {
            pb.environment().put("BREAKWATER_LOG_LEVEL", level);
        }
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                lines.add(line);
                if (line.contains("data plane listening")) {
                    break;
                }
            }
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(lines).as("the process logged that it listens").anyMatch(l -> l.contains("data plane listening"));
        return lines;
    }

    @Test
    void textLinesByDefault() throws Exception {
        List<String> lines = linesUntilListening(null, null);
        assertThat(lines).anyMatch(l -> l.matches("\\[main\\] INFO dev\\.breakwater\\.dataplane\\.DataPlane - data plane "
                + "listening: .*"));
        assertThat(lines).noneMatch(l -> l.contains(" DEBUG "));
    }

    @Test
    void jsonLinesWhenAsked() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = linesUntilListening("json", null);
        JsonNode listening = null;
        for (String line : lines) {
            JsonNode event = json.readTree(line); // every line is one JSON object
            assertThat(event.isObject()).as(line).isTrue();
            if (event.path("formattedMessage").asText().startsWith("data plane listening")) {
                listening = event;
            }
        }
        assertThat(listening).isNotNull();
        assertThat(listening.path("level").asText()).isEqualTo("INFO");
        assertThat(listening.path("loggerName").asText()).isEqualTo("dev.breakwater.dataplane.DataPlane");
        assertThat(listening.path("threadName").asText()).isEqualTo("main");
        assertThat(listening.path("timestamp").asLong()).isPositive();
    }

    @Test
    void theLevelFromTheEnvironment() throws Exception {
        assertThat(linesUntilListening("text", "DEBUG")).anyMatch(l -> l.contains(" DEBUG "));
    }
}
