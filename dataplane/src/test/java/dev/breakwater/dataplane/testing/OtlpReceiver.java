package dev.breakwater.dataplane.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real OTLP receiver: the OpenTelemetry Collector's {@code otlpreceiver} in tools/otlp-receiver (built by
 * tools/otlp-receiver.sh), listening for OTLP/HTTP on a free port of 127.0.0.1 and appending what it accepts, as
 * OTLP JSON lines, to a file this class reads back as {@link ReceivedSpan}s.
 */
public final class OtlpReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path out;
    private final int port;

    private OtlpReceiver(Process process, Path out, int port) {
        this.process = process;
        this.out = out;
        this.port = port;
    }

    /** Builds the receiver if needed (tools/otlp-receiver.sh), starts it, and waits until it listens. */
    public static OtlpReceiver start(Path dir) throws IOException, InterruptedException {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        Process build = new ProcessBuilder(repo.resolve("tools/otlp-receiver.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String bin = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(build.waitFor(600, TimeUnit.SECONDS)).as("tools/otlp-receiver.sh ended").isTrue();
        assertThat(build.exitValue()).as("tools/otlp-receiver.sh").isZero();
        int port = FreePorts.tcp();
        Path out = dir.resolve("spans.jsonl");
        Process p = new ProcessBuilder(bin, "-http", "127.0.0.1:" + port, "-out", out.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader stdout = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = stdout.readLine();
        assertThat(first).as("the receiver's first line").isEqualTo("ready");
        return new OtlpReceiver(p, out, port);
    }

    /** Its OTLP/HTTP endpoint, {@code http://127.0.0.1:PORT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Every span received so far. */
    public List<ReceivedSpan> spans() throws IOException {
        List<ReceivedSpan> spans = new ArrayList<>();
        if (!Files.exists(out)) {
            return spans;
        }
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            for (JsonNode rs : JSON.readTree(line).path("resourceSpans")) {
                Map<String, Object> resource = attributes(rs.path("resource").path("attributes"));
                for (JsonNode ss : rs.path("scopeSpans")) {
                    String scope = ss.path("scope").path("name").asText();
                    for (JsonNode s : ss.path("spans")) {
                        spans.add(new ReceivedSpan(s.path("traceId").asText(), s.path("spanId").asText(),
                                s.path("parentSpanId").asText(""), s.path("name").asText(), s.path("kind").asInt(),
                                s.path("status").path("code").asInt(0), attributes(s.path("attributes")), resource,
                                scope));
                    }
                }
            }
        }
        return spans;
    }

    /** The first span that matches, waiting for it (up to 30 s, then fails). */
    public ReceivedSpan await(Predicate<ReceivedSpan> match, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (ReceivedSpan s : spans()) {
                if (match.test(s)) {
                    return s;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no span received: " + what + "; received: " + spans());
    }

    private static Map<String, Object> attributes(JsonNode list) {
        Map<String, Object> m = new HashMap<>();
        for (JsonNode a : list) {
            JsonNode v = a.path("value");
            Object value = v.has("stringValue") ? v.get("stringValue").asText()
                    : v.has("intValue") ? (Object) Long.parseLong(v.get("intValue").asText())
                    : v.has("boolValue") ? (Object) v.get("boolValue").asBoolean() : v.toString();
            m.put(a.path("key").asText(), value);
        }
        return m;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /**
     * One span as the receiver got it.
     *
     * @param parentSpanId empty for a root span
     * @param kind         OTLP's SpanKind number (2: server)
     * @param statusCode   OTLP's status code (0 unset, 1 ok, 2 error)
     */
    public record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name, int kind,
                               int statusCode, Map<String, Object> attributes, Map<String, Object> resource,
                               String scope) {
    }
}
