package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.dataplane.testing.BackendProcess;
import dev.breakwater.operator.Main;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The operator's process logs through the same backend as the data plane (Logback, the data plane's logback.xml):
 * {@code breakwater local} with {@code BREAKWATER_LOG_FORMAT=json} writes its log events, the compiler's and the data
 * plane's, as JSON lines (the command's own {@code breakwater: ...} lines for people stay as they are).
 */
class LocalModeLoggingTest {

    @Test
    void localModesLogEventsAreJsonLines() throws Exception {
        Path examples = Path.of("..", "examples", "quickstart").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder(BackendProcess.javaBin(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "local", examples.toString(),
                "--bind", "127.0.0.1", "--http-port", "0", "--https-port", "0", "--admin-port", "0",
                "--access-log", "off");
        pb.environment().put("BREAKWATER_LOG_FORMAT", "json");
        pb.environment().remove("BREAKWATER_LOG_LEVEL");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        List<JsonNode> events = new ArrayList<>();
        List<String> others = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                if (line.startsWith("breakwater: ")) {
                    others.add(line);
                    if (line.startsWith("breakwater: serving ")) {
                        break;
                    }
                    continue;
                }
                JsonNode event = json.readTree(line); // any other line is one JSON object
                assertThat(event.isObject()).as(line).isTrue();
                events.add(event);
            }
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(others).as("the command said what it serves").anyMatch(l -> l.startsWith("breakwater: serving "));
        assertThat(events).anySatisfy(e -> {
            assertThat(e.path("loggerName").asText()).isEqualTo("dev.breakwater.operator.local.LocalMode");
            assertThat(e.path("level").asText()).isEqualTo("INFO");
            assertThat(e.path("formattedMessage").asText()).startsWith("table v1 from ");
        });
        assertThat(events).anySatisfy(e -> assertThat(e.path("formattedMessage").asText())
                .startsWith("data plane listening"));
    }
}
