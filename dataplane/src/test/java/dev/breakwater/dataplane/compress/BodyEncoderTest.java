package dev.breakwater.dataplane.compress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.Compression;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Compression of a relayed body part by part, with plain calls: what comes out is one gzip stream. */
class BodyEncoderTest {

    private final ResponseCompressor compressor = new ResponseCompressor(new Compression(null, null));

    private static HttpHeaders json() {
        return new DefaultHttpHeaders().set("content-type", "application/json");
    }

    @Test
    void partsComeOutAsOneStreamWithTheTrailersOfTheLast() throws Exception {
        HttpHeaders headers = json();
        ResponseCompressor.BodyEncoder encoder = compressor.start(200, headers, "gzip", false);
        assertThat(encoder).isNotNull();
        assertThat(headers.get("content-encoding")).isEqualTo("gzip");
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        String text = "{\"a\":\"" + "x".repeat(5000) + "\"}";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        HttpContent first = encoder.encode(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes, 0, 3000)));
        take(first, wire);
        DefaultLastHttpContent end = new DefaultLastHttpContent(Unpooled.wrappedBuffer(bytes, 3000, bytes.length - 3000));
        end.trailingHeaders().set("x-trailer", "1");
        HttpContent last = encoder.encode(end);
        assertThat(last).isInstanceOf(LastHttpContent.class);
        assertThat(((LastHttpContent) last).trailingHeaders().get("x-trailer")).isEqualTo("1");
        take(last, wire);
        assertThat(end.refCnt()).as("the part given is released").isZero();
        byte[] decoded = new GZIPInputStream(new ByteArrayInputStream(wire.toByteArray())).readAllBytes();
        assertThat(new String(decoded, StandardCharsets.UTF_8)).isEqualTo(text);
    }

    @Test
    void headResponsesAndClientsThatAcceptNothingAreLeftAsTheyAre() {
        HttpHeaders head = json();
        assertThat(compressor.start(200, head, "gzip", true)).isNull();
        assertThat(head.contains("content-encoding")).isFalse();
        HttpHeaders identity = json();
        assertThat(compressor.start(200, identity, null, false)).isNull();
        assertThat(identity.get("vary")).isEqualTo("Accept-Encoding");
    }

    private static void take(HttpContent part, ByteArrayOutputStream to) {
        if (part == null) {
            return;
        }
        ByteBuf b = part.content();
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        to.writeBytes(out);
        part.release();
    }
}
