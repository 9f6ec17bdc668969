package dev.breakwater.dataplane.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PartialContentTest {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz";

    private static PartialContent.Range range(int first, int last) {
        return new PartialContent.Range(first, last, ALPHABET.length());
    }

    private static byte[] part(int first, int last) {
        return ALPHABET.substring(first, last + 1).getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(ByteBuf b) {
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void partsApartStayApartAndTouchingOrOverlappingOnesMerge() {
        PartialContent p = PartialContent.of(range(0, 3), part(0, 3)).combine(range(10, 12), part(10, 12));
        assertThat(p.holds(0, 3)).isTrue();
        assertThat(p.holds(3, 10)).isFalse();
        assertThat(p.held()).isEqualTo(7);
        p = p.combine(range(4, 9), part(4, 9)); // touches both: one span
        assertThat(p.holds(0, 12)).isTrue();
        assertThat(text(p.slice(2, 11))).isEqualTo("cdefghijkl");
        p = p.combine(range(11, 25), part(11, 25)); // overlaps the end
        assertThat(p.complete()).isTrue();
        assertThat(new String(p.whole(), StandardCharsets.US_ASCII)).isEqualTo(ALPHABET);
    }

    @Test
    void theNewerBytesWinWhereThePartsOverlap() {
        PartialContent p = PartialContent.of(range(0, 9), part(0, 9))
                .combine(range(5, 14), "FGHIJKLMNO".getBytes(StandardCharsets.US_ASCII));
        assertThat(text(p.slice(0, 14))).isEqualTo("abcdeFGHIJKLMNO");
    }

    @Test
    void anotherCompleteLengthIsAnotherRepresentation() {
        PartialContent p = PartialContent.of(range(0, 9), part(0, 9))
                .combine(new PartialContent.Range(0, 1, 99), "xy".getBytes(StandardCharsets.US_ASCII));
        assertThat(p.length()).isEqualTo(99);
        assertThat(p.held()).isEqualTo(2);
    }

    @Test
    void aValidContentRange() {
        HttpHeaders h = new DefaultHttpHeaders().set("content-range", "bytes 5-9/26");
        assertThat(PartialContent.contentRange(h)).isEqualTo(new PartialContent.Range(5, 9, 26));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes 0-9/*", "bytes */26", "bytes 9-5/26", "bytes 0-26/26", "items 0-1/2",
        "bytes 0-1", "bytes -1-2/26", "bytes 0-1/26, bytes 3-4/26", "bytes 00000000000000000001-2/26"})
    void whatIsNotOneSinglePartOfKnownLength(String value) {
        assertThat(PartialContent.contentRange(new DefaultHttpHeaders().set("content-range", value))).isNull();
    }

    @Test
    void twoContentRangeLinesAreNotOne() {
        HttpHeaders h = new DefaultHttpHeaders().add("content-range", "bytes 0-1/26").add("content-range",
                "bytes 0-1/26");
        assertThat(PartialContent.contentRange(h)).isNull();
    }
}
