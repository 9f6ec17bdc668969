package dev.breakwater.dataplane.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.http1.LineHeaders;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client codec's request decoding against Netty's own request decoder on the same bytes: whatever head it reads
 * itself, it gives what Netty's decoder gives (method, target, version, headers, body parts, failures), so no
 * request is accepted, refused or framed differently than before; and the plain ones come with headers read in
 * place.
 */
class RequestHeadParserTest {

    private static HttpDecoderConfig config() {
        return new HttpDecoderConfig().setMaxInitialLineLength(4096).setMaxHeaderSize(8192).setMaxChunkSize(65536);
    }

    static Stream<Arguments> requests() {
        String host = "GET / HTTP/1.1\r\nHost: a.test\r\n";
        String post = "POST /p HTTP/1.1\r\nHost: a.test\r\n";
        return Stream.of(
                Arguments.of("plain", host + "Accept: */*\r\n\r\n"),
                Arguments.of("HTTP/1.0", "GET / HTTP/1.0\r\nAccept: */*\r\n\r\n"),
                Arguments.of("no headers", "GET / HTTP/1.1\r\n\r\n"),
                Arguments.of("a body by its length", post + "Content-Length: 5\r\n\r\nhello"),
                Arguments.of("a zero length", post + "Content-Length: 0\r\n\r\n"),
                Arguments.of("a length with leading zeros", post + "Content-Length: 005\r\n\r\nhello"),
                Arguments.of("two requests", host + "\r\n" + post + "Content-Length: 2\r\n\r\nok" + host + "\r\n"),
                Arguments.of("pipelined after a chunked one", post + "Transfer-Encoding: chunked\r\n\r\n"
                        + "2\r\nok\r\n0\r\n\r\n" + host + "X-A: b\r\n\r\n"),
                Arguments.of("repeated headers", host + "Cookie: a=1\r\nCookie: b=2\r\n\r\n"),
                Arguments.of("name case kept", host + "x-LoWeR: v\r\n\r\n"),
                Arguments.of("empty value", host + "X-Empty: \r\n\r\n"),
                Arguments.of("empty value without a space", host + "X-Empty:\r\n\r\n"),
                Arguments.of("no space after the colon", host + "X-A:v\r\n\r\n"),
                Arguments.of("spaces and tabs around values", host + "X-A: \t a b \t \r\n\r\n"),
                Arguments.of("tab inside a value", host + "X-A: a\tb\r\n\r\n"),
                Arguments.of("absolute form", "GET http://a.test/x?y=1 HTTP/1.1\r\nHost: b.test\r\n\r\n"),
                Arguments.of("odd method", "PROPFIND /d HTTP/1.1\r\nHost: a.test\r\n\r\n"),
                Arguments.of("lower-case method", "get / HTTP/1.1\r\nHost: a.test\r\n\r\n"),
                Arguments.of("method with a digit", "G3T / HTTP/1.1\r\nHost: a.test\r\n\r\n"),
                Arguments.of("CONNECT", "CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n\r\n"),
                Arguments.of("two spaces in the request line", "GET  / HTTP/1.1\r\nHost: a.test\r\n\r\n"),
                Arguments.of("tab in the request line", "GET\t/ HTTP/1.1\r\nHost: a.test\r\n\r\n"),
                Arguments.of("no version", "GET /\r\nHost: a.test\r\n\r\n"),
                Arguments.of("HTTP/2.0", "GET / HTTP/2.0\r\nHost: a.test\r\n\r\n"),
                Arguments.of("lower-case version", "GET / http/1.1\r\nHost: a.test\r\n\r\n"),
                Arguments.of("leading CRLF", "\r\n" + host + "\r\n"),
                Arguments.of("odd characters in the target", "GET /a\"b{c}|d^e`f\\ HTTP/1.1\r\nHost: a.test\r\n\r\n"),
                Arguments.of("a fragment", "GET /a#b HTTP/1.1\r\nHost: a.test\r\n\r\n"),
                Arguments.of("obs-text in the target", "GET /caf\u00e9 HTTP/1.1\r\nHost: a.test\r\n\r\n"),
                Arguments.of("control character in the target", "GET /a\u0001b HTTP/1.1\r\nHost: a.test\r\n\r\n"),
                Arguments.of("NUL in the target", "GET /a\u0000b HTTP/1.1\r\nHost: a.test\r\n\r\n"),
                Arguments.of("obs-fold", host + "X-A: one\r\n two\r\n\r\n"),
                Arguments.of("space before colon", host + "X-A : one\r\n\r\n"),
                Arguments.of("tab before colon", host + "X-A\t: one\r\n\r\n"),
                Arguments.of("space before colon of a length", post + "Content-Length : 5\r\n\r\nhello"),
                Arguments.of("invalid name", host + "X(A): one\r\n\r\n"),
                Arguments.of("empty name", host + ": one\r\n\r\n"),
                Arguments.of("no colon", host + "X-A one\r\n\r\n"),
                Arguments.of("control character in value", host + "X-A: o\u0001ne\r\n\r\n"),
                Arguments.of("NUL in value", host + "X-A: o\u0000ne\r\n\r\n"),
                Arguments.of("DEL in value", host + "X-A: o\u007fne\r\n\r\n"),
                Arguments.of("obs-text in value", host + "X-A: caf\u00e9\r\n\r\n"),
                Arguments.of("bare LF", "GET / HTTP/1.1\nHost: a.test\n\n"),
                Arguments.of("bare LF in headers", host + "X-A: one\n\r\n"),
                Arguments.of("bare CR in value", host + "X-A: o\rne\r\n\r\n"),
                Arguments.of("bare CR ending the request line", "GET / HTTP/1.1\rHost: a.test\r\n\r\n"),
                Arguments.of("two lengths", post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello"),
                Arguments.of("two different lengths", post + "Content-Length: 5\r\nContent-Length: 4\r\n\r\nhello"),
                Arguments.of("length list", post + "Content-Length: 5, 5\r\n\r\nhello"),
                Arguments.of("signed length", post + "Content-Length: +5\r\n\r\nhello"),
                Arguments.of("negative length", post + "Content-Length: -5\r\n\r\nhello"),
                Arguments.of("hex length", post + "Content-Length: 0x5\r\n\r\nhello"),
                Arguments.of("length with a space inside", post + "Content-Length: 5 5\r\n\r\nhello"),
                Arguments.of("empty length", post + "Content-Length: \r\n\r\nhello"),
                Arguments.of("overflowing length", post + "Content-Length: 99999999999999999999\r\n\r\nhello"),
                Arguments.of("chunked", post + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("chunked and length", post + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("length and chunked", post + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
                        + "5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("xchunked", post + "Transfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("chunked, identity", post + "Transfer-Encoding: chunked, identity\r\n\r\n"
                        + "5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("two transfer-encodings", post + "Transfer-Encoding: chunked\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("invalid chunk size", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("garbage", "NOT HTTP AT ALL\r\n\r\n"),
                Arguments.of("garbage then a request", "\u0001\u0002\r\n" + host + "\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void readsEveryRequestAsNettysDecoderDoes(String name, String wire) {
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        for (int split : new int[] {bytes.length, 1, 7, 20}) { // whole, then in pieces
            assertThat(describe(decode(codec(config()), bytes, split)))
                    .as("%s in pieces of %d", name, split)
                    .isEqualTo(describe(decode(new HttpRequestDecoder(config()), bytes, split)));
        }
    }

    /** Heads right at and around the line and header limits are accepted or refused as Netty's decoder does. */
    @Test
    void theSizeLimitsHoldAsBefore() {
        HttpDecoderConfig small = new HttpDecoderConfig().setMaxInitialLineLength(64).setMaxHeaderSize(128);
        for (int target = 40; target <= 70; target++) {
            for (int value = 80; value <= 140; value += 3) {
                String wire = "GET /" + "a".repeat(target) + " HTTP/1.1\r\nHost: a.test\r\nX-A: " + "v".repeat(value)
                        + "\r\n\r\nGET / HTTP/1.1\r\nHost: a.test\r\n\r\n";
                byte[] bytes = wire.getBytes(StandardCharsets.US_ASCII);
                for (int split : new int[] {bytes.length, 9}) {
                    assertThat(describe(decode(codec(small), bytes, split)))
                            .as("target %d, value %d, pieces of %d", target, value, split)
                            .isEqualTo(describe(decode(new HttpRequestDecoder(small), bytes, split)));
                }
            }
        }
    }

    @Test
    void aPlainHeadIsReadInPlaceAndItsBodyCutByItsLength() {
        byte[] bytes = "POST /x HTTP/1.1\r\nHost: a.test\r\nx-CaSe: v\r\nContent-Length: 5\r\n\r\nhello"
                .getBytes(StandardCharsets.US_ASCII);
        List<HttpObject> out = decode(codec(config()), bytes, 30);
        try {
            HttpRequest head = (HttpRequest) out.get(0);
            assertThat(head.headers()).isInstanceOf(LineHeaders.class);
            assertThat(head.headers().get("X-CASE")).isEqualTo("v");
            assertThat(out.subList(1, out.size())).allMatch(o -> o instanceof HttpContent);
            assertThat(out.get(out.size() - 1)).isInstanceOf(LastHttpContent.class);
        } finally {
            out.forEach(ReferenceCountUtil::release);
        }
    }

    @Test
    void aHeadNotInTheEncodersFormIsLeftToNettysDecoder() {
        byte[] bytes = "GET / HTTP/1.1\r\nHost:a.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        List<HttpObject> out = decode(codec(config()), bytes, bytes.length);
        try {
            assertThat(((HttpRequest) out.get(0)).headers()).isNotInstanceOf(LineHeaders.class);
        } finally {
            out.forEach(ReferenceCountUtil::release);
        }
    }

    @Test
    void aClientClosingInsideABodyGivesNoEndAsBefore() {
        byte[] bytes = "POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 10\r\n\r\nhello"
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(describe(decode(codec(config()), bytes, bytes.length)))
                .isEqualTo(describe(decode(new HttpRequestDecoder(config()), bytes, bytes.length)))
                .noneMatch(part -> part.contains(" end"));
    }

    @Test
    void aClientClosingInsideAHeadGetsWhatNettysDecoderSays() {
        byte[] bytes = "GET / HTTP/1.1\r\nHost: a.te".getBytes(StandardCharsets.US_ASCII);
        assertThat(describe(decode(codec(config()), bytes, bytes.length)))
                .isEqualTo(describe(decode(new HttpRequestDecoder(config()), bytes, bytes.length)));
    }

    private static Http1ServerCodec codec(HttpDecoderConfig config) {
        return new Http1ServerCodec(config, 1 << 16);
    }

    private static List<HttpObject> decode(ChannelHandler codec, byte[] bytes, int split) {
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        for (int i = 0; i < bytes.length; i += split) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(split, bytes.length - i)));
        }
        ch.finish();
        List<HttpObject> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            out.add((HttpObject) o);
        }
        return out;
    }

    /** Each object as text, its buffer released; content parts merged, so that how bytes were cut does not count. */
    private static List<String> describe(List<HttpObject> out) {
        List<String> d = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (HttpObject o : out) {
            String result = o.decoderResult().isSuccess() ? "" : " failed " + o.decoderResult().cause().getClass()
                    .getSimpleName();
            if (o instanceof HttpRequest r) {
                StringBuilder h = new StringBuilder();
                for (Map.Entry<String, String> e : r.headers()) {
                    h.append(e.getKey()).append('=').append(e.getValue()).append(';');
                }
                d.add(r.method() + " " + r.uri() + " " + r.protocolVersion() + " [" + h + "]" + result);
            }
            if (o instanceof HttpContent c) {
                body.append(c.content().toString(StandardCharsets.ISO_8859_1));
                if (o instanceof LastHttpContent || !result.isEmpty()) {
                    d.add("body " + body + (o instanceof LastHttpContent ? " end" : "") + result);
                    body.setLength(0);
                }
                c.release();
            }
        }
        if (!body.isEmpty()) {
            d.add("body " + body);
        }
        return d;
    }
}
