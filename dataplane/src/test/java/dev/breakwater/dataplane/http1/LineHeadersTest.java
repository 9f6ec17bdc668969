package dev.breakwater.dataplane.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Header lines read in place, and the HttpHeaders view over them with its edits. */
class LineHeadersTest {

    private static final String LINES = "Content-Type: text/plain\r\n"
            + "set-cookie: a=1\r\n"
            + "X-Spaced: \t two words \t\r\n"
            + "Connection: keep-alive\r\n"
            + "Set-Cookie: b=2\r\n"
            + "Content-Length:5\r\n";

    private static LineHeaders headers(String lines) {
        byte[] b = lines.getBytes(StandardCharsets.US_ASCII);
        HeaderLines parsed = HeaderLines.parse(b, 0, b.length);
        assertThat(parsed).isNotNull();
        return new LineHeaders(parsed);
    }

    private static String written(LineHeaders h) {
        ByteBuf out = Unpooled.buffer();
        try {
            h.writeTo(out);
            return out.toString(StandardCharsets.US_ASCII);
        } finally {
            out.release();
        }
    }

    @Test
    void readsNamesWithoutCaseAndValuesWithoutTheWhitespaceAroundThem() {
        LineHeaders h = headers(LINES);

        assertThat(h.size()).isEqualTo(6);
        assertThat(h.get("content-type")).isEqualTo("text/plain");
        assertThat(h.get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("5");
        assertThat(h.getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(5);
        assertThat(h.get("x-spaced")).isEqualTo("two words");
        assertThat(h.getAll("SET-COOKIE")).containsExactly("a=1", "b=2");
        assertThat(h.contains("x-absent")).isFalse();
        assertThat(h.contains(HttpHeaderNames.CONNECTION, "KEEP-ALIVE", true)).isTrue();
        assertThat(HttpUtil.isContentLengthSet(new io.netty.handler.codec.http.DefaultHttpResponse(
                io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                io.netty.handler.codec.http.HttpResponseStatus.OK, h))).isTrue();
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, String> e : h) {
            names.add(e.getKey() + "=" + e.getValue());
        }
        assertThat(names).containsExactly("Content-Type=text/plain", "set-cookie=a=1", "X-Spaced=two words",
                "Connection=keep-alive", "Set-Cookie=b=2", "Content-Length=5");
    }

    @Test
    void writesUnchangedLinesAsTheyCame() {
        assertThat(written(headers(LINES))).isEqualTo(LINES);
    }

    @Test
    void editsShowInReadsAndAreWrittenAfterTheLinesLeft() {
        LineHeaders h = headers(LINES);

        h.remove(HttpHeaderNames.CONNECTION);
        h.set("X-SPACED", "one");
        h.add("Set-Cookie", "c=3");
        h.add("X-New", "n");

        assertThat(h.size()).isEqualTo(7);
        assertThat(h.contains("connection")).isFalse();
        assertThat(h.get("x-spaced")).isEqualTo("one");
        assertThat(h.getAll("set-cookie")).containsExactly("a=1", "b=2", "c=3");
        assertThat(written(h)).isEqualTo("Content-Type: text/plain\r\n"
                + "set-cookie: a=1\r\n"
                + "Set-Cookie: b=2\r\n"
                + "Content-Length:5\r\n"
                + "X-SPACED: one\r\n"
                + "Set-Cookie: c=3\r\n"
                + "X-New: n\r\n");
        List<String> seen = new ArrayList<>();
        h.iteratorCharSequence().forEachRemaining(e -> seen.add(e.getKey() + ": " + e.getValue()));
        assertThat(seen).containsExactly("Content-Type: text/plain", "set-cookie: a=1", "Set-Cookie: b=2",
                "Content-Length: 5", "X-SPACED: one", "Set-Cookie: c=3", "X-New: n");
    }

    @Test
    void settingARepeatedHeaderReplacesEveryLineOfIt() {
        LineHeaders h = headers(LINES);
        h.set("Set-Cookie", "only");
        assertThat(h.getAll("set-cookie")).containsExactly("only");
        h.remove("set-cookie");
        assertThat(h.contains("Set-Cookie")).isFalse();
        assertThat(written(h)).doesNotContainIgnoringCase("set-cookie");
    }

    @Test
    void clearLeavesNothingAndCopiesKeepTheView() {
        LineHeaders h = headers(LINES);
        HttpHeaders copy = h.copy();
        h.clear();
        assertThat(h.isEmpty()).isTrue();
        assertThat(written(h)).isEmpty();
        h.add("A", "1");
        assertThat(written(h)).isEqualTo("A: 1\r\n");
        assertThat(copy.getAll("set-cookie")).containsExactly("a=1", "b=2");
    }

    @Test
    void aNameNettyRefusesIsRefusedAndChangesNothing() {
        LineHeaders h = headers(LINES);
        assertThatThrownBy(() -> h.set("Content Type", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(written(h)).isEqualTo(LINES);
    }

    @Test
    void readsNoLinesFromNoBytes() {
        assertThat(headers("").isEmpty()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {" X-Fold: a\r\n", "X-A: a\r\n two\r\n", "X-A : a\r\n", ": a\r\n", "X(A): a\r\n",
            "X-A: a\n", "X-A: a\rb\r\n", "X-A: \u0001\r\n", "X-A: \u007f\r\n", "X-A: caf\u00e9\r\n", "X-A: a"})
    void declinesAnythingOutsideThePlainForm(String lines) {
        byte[] b = lines.getBytes(StandardCharsets.ISO_8859_1);
        assertThat(HeaderLines.parse(b, 0, b.length)).isNull();
    }
}
