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
 * default, JSON lines with {@code BREAKWATER_LOG_FORMAT=json}, the level from {@code BREAKWATER_LOG_LEVEL}, and
 * java.util.logging's records (the OpenTelemetry exporter's) in the same format.
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

    @Test
    void javaUtilLoggingRecordsAreJsonLinesToo() throws Exception {
        // a route whose cluster has no endpoint: the request is routed (a span) and answered 503; its export to a
        // port nobody listens on fails, and the OpenTelemetry exporter says so through java.util.logging
        Path table = dir.resolve("table.json");
        Files.write(table, TableCodec.encode(dev.breakwater.dataplane.testing.Tables.builder()
                .cluster("none", new dev.breakwater.routing.Endpoint[0]).prefix("*", "/", "none").build()));
        int closed = dev.breakwater.dataplane.testing.FreePorts.tcp();
        ProcessBuilder pb = new ProcessBuilder(BackendProcess.javaBin(), "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "--table", table.toString(),
                "--bind", "127.0.0.1", "--http-port", "0", "--https-port", "-1", "--admin-port", "0",
                "--otlp-endpoint", "http://127.0.0.1:" + closed, "--otlp-export-delay", "50ms",
                "--otlp-export-timeout", "2s");
        pb.environment().put("BREAKWATER_LOG_FORMAT", "json");
        pb.environment().remove("BREAKWATER_LOG_LEVEL");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        // bounded: without the record in 60 s the process is stopped, its stderr ends and the assertion below fails
        java.util.concurrent.CompletableFuture.delayedExecutor(60, TimeUnit.SECONDS).execute(p::destroy);
        ObjectMapper json = new ObjectMapper();
        JsonNode exporter = null;
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                assertThat(line).as("a JSON line").startsWith("{");
                JsonNode event = json.readTree(line);
                assertThat(event.isObject()).as(line).isTrue();
                String message = event.path("formattedMessage").asText();
                java.util.regex.Matcher listening = java.util.regex.Pattern
                        .compile("data plane listening: http 127\\.0\\.0\\.1:(\\d+)").matcher(message);
                if (listening.find()) {
                    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                                    + listening.group(1) + "/x")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as("routed, no endpoint").isEqualTo(503);
                }
                if (event.path("loggerName").asText().startsWith("io.opentelemetry.exporter")) {
                    exporter = event;
                    break;
                }
            }
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(exporter).as("the exporter's java.util.logging record, as a JSON line").isNotNull();
        assertThat(exporter.path("formattedMessage").asText()).contains("Failed to export", "spans");
        assertThat(exporter.path("level").asText()).isIn("ERROR", "WARN");
    }
}
