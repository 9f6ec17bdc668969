package dev.breakwater.dataplane.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonBytesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String line(String value, long number) throws Exception {
        JsonBytes j = new JsonBytes();
        j.raw(JsonBytes.name("s", true));
        j.string(value);
        j.raw(JsonBytes.name("n", false));
        j.number(number);
        j.raw('}');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        j.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void quotesBackslashesAndControlCharactersAreEscapedAndTheRestIsUtf8() throws Exception {
        String tricky = "a\"b\\c\n\r\t\b\f\u0000\u001f\u007f é € 😀 /";
        String line = line(tricky, -42);
        assertThat(line).isEqualTo("{\"s\":\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0000\\u001f\u007f é € 😀 /\",\"n\":-42}");
        JsonNode node = JSON.readTree(line);
        assertThat(node.get("s").asText()).isEqualTo(tricky);
        assertThat(node.get("n").asLong()).isEqualTo(-42);
    }

    @Test
    void aLoneSurrogateIsEscapedSoTheLineStaysValidUtf8() throws Exception {
        String line = line("x\ud800y\udc00", 0);
        assertThat(line).isEqualTo("{\"s\":\"x\\ud800y\\udc00\",\"n\":0}");
        assertThat(StandardCharsets.UTF_8.newEncoder().canEncode(line)).isTrue();
    }

    @Test
    void nullAndNumbersAtTheirLimits() throws Exception {
        JsonBytes j = new JsonBytes();
        j.raw(JsonBytes.name("a", true));
        j.nullValue();
        j.raw(JsonBytes.name("b", false));
        j.number(Long.MAX_VALUE);
        j.raw(JsonBytes.name("c", false));
        j.number(Long.MIN_VALUE);
        j.raw(JsonBytes.name("d", false));
        j.number(0);
        j.raw('}');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        j.writeTo(out);
        assertThat(out.toString(StandardCharsets.US_ASCII))
                .isEqualTo("{\"a\":null,\"b\":9223372036854775807,\"c\":-9223372036854775808,\"d\":0}");
    }

    @Test
    void randomStringsReadBackAsTheyWereWritten() throws Exception {
        SplittableRandom random = new SplittableRandom(20261202);
        for (int round = 0; round < 2000; round++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(0, 300); // long ones make the buffer grow
            for (int i = 0; i < n; i++) {
                int pick = random.nextInt(4);
                b.appendCodePoint(pick == 0 ? random.nextInt(0, 0x80)
                        : pick == 1 ? random.nextInt(0x80, 0x800)
                        : pick == 2 ? random.nextInt(0x800, 0xd800)
                        : random.nextInt(0x10000, 0x110000));
            }
            String s = b.toString();
            long v = random.nextLong();
            JsonNode node = JSON.readTree(line(s, v));
            assertThat(node.get("s").asText()).as("round %d", round).isEqualTo(s);
            assertThat(node.get("n").asLong()).isEqualTo(v);
        }
    }
}
