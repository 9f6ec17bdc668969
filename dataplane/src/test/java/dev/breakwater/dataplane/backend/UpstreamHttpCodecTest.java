package dev.breakwater.dataplane.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.http1.LineHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpVersion;
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
 * The upstream codec's response decoding against Netty's own decoder on the same bytes: whatever head it reads
 * itself, it gives what Netty's decoder gives (status, headers, body parts, failures), so no head is accepted or
 * read differently than before; and the plain ones come with headers read in place.
 */
class UpstreamHttpCodecTest {

    private static HttpDecoderConfig config() {
        return new HttpDecoderConfig().setMaxInitialLineLength(4096).setMaxHeaderSize(8192 * 4).setMaxChunkSize(65536);
    }

    static Stream<Arguments> heads() {
        String body = "Content-Length: 5\r\n\r\nhello";
        return Stream.of(
                Arguments.of("plain", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + body),
                Arguments.of("HTTP/1.0", "HTTP/1.0 200 OK\r\n" + body),
                Arguments.of("own reason", "HTTP/1.1 404 Nowhere To Be Found\r\n" + body),
                Arguments.of("unknown code", "HTTP/1.1 299 Whatever\r\n" + body),
                Arguments.of("no reason", "HTTP/1.1 200\r\n" + body),
                Arguments.of("empty reason", "HTTP/1.1 200 \r\n" + body),
                Arguments.of("two spaces in reason", "HTTP/1.1 200 O  K\r\n" + body),
                Arguments.of("spaces and tabs around values", "HTTP/1.1 200 OK\r\nX-A: \t a b \t \r\n" + body),
                Arguments.of("empty value", "HTTP/1.1 200 OK\r\nX-Empty:\r\n" + body),
                Arguments.of("repeated headers", "HTTP/1.1 200 OK\r\nSet-Cookie: a\r\nSet-Cookie: b\r\n" + body),
                Arguments.of("obs-fold", "HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\n" + body),
                Arguments.of("space before colon", "HTTP/1.1 200 OK\r\nX-A : one\r\n" + body),
                Arguments.of("invalid name", "HTTP/1.1 200 OK\r\nX(A): one\r\n" + body),
                Arguments.of("empty name", "HTTP/1.1 200 OK\r\n: one\r\n" + body),
                Arguments.of("control character in value", "HTTP/1.1 200 OK\r\nX-A: o\u0001ne\r\n" + body),
                Arguments.of("DEL in value", "HTTP/1.1 200 OK\r\nX-A: o\u007fne\r\n" + body),
                Arguments.of("obs-text in value", "HTTP/1.1 200 OK\r\nX-A: caf\u00e9\r\n" + body),
                Arguments.of("bare LF", "HTTP/1.1 200 OK\nX-A: one\n" + body),
                Arguments.of("bare CR in value", "HTTP/1.1 200 OK\r\nX-A: o\rne\r\n" + body),
                Arguments.of("two lengths", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n" + body),
                Arguments.of("two different lengths", "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n" + body),
                Arguments.of("length list", "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello"),
                Arguments.of("signed length", "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello"),
                Arguments.of("hex length", "HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\nhello"),
                Arguments.of("length with a space inside", "HTTP/1.1 200 OK\r\nContent-Length: 5 5\r\n\r\nhello"),
                Arguments.of("zero length", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("chunked and length", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked"
                        + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("204", "HTTP/1.1 204 No Content\r\nX-A: one\r\n\r\n"),
                Arguments.of("304 with a length", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n"),
                Arguments.of("100 then 200", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n" + body),
                Arguments.of("103 then 200", "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\n"
                        + body),
                Arguments.of("HTTP/2.0", "HTTP/2.0 200 OK\r\n" + body),
                Arguments.of("leading CRLF", "\r\nHTTP/1.1 200 OK\r\n" + body),
                Arguments.of("lower-case version", "http/1.1 200 OK\r\n" + body),
                Arguments.of("garbage", "NOT HTTP AT ALL\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("heads")
    void readsEveryHeadAsNettysDecoderDoes(String name, String wire) {
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        for (int split : new int[] {bytes.length, 1, 7, 20}) { // whole, then in pieces
            assertThat(describe(decode(new UpstreamHttpCodec(config()), bytes, split, false)))
                    .as("%s in pieces of %d", name, split)
                    .isEqualTo(describe(decode(new HttpResponseDecoder(config()), bytes, split, false)));
        }
    }

    @ParameterizedTest(name = "{0}, answering HEAD")
    @MethodSource("heads")
    void readsEveryAnswerToHeadAsBefore(String name, String wire) {
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        List<String> ours = describe(decode(new UpstreamHttpCodec(config()), bytes, bytes.length, true));
        // Netty's decoder alone cannot know the request was HEAD; the codec before this change knew it
        List<String> before = describe(decode(new BeforeCodec(), bytes, bytes.length, true));
        assertThat(ours).isEqualTo(before);
    }

    @Test
    void aPlainHeadIsReadInPlaceAndItsBodyCutByItsLength() {
        byte[] bytes = "HTTP/1.1 200 OK\r\nx-CaSe:  v \r\nContent-Length: 5\r\n\r\nhello".getBytes(
                StandardCharsets.US_ASCII);
        List<HttpObject> out = decode(new UpstreamHttpCodec(config()), bytes, 30, false);
        try {
            HttpResponse head = (HttpResponse) out.get(0);
            assertThat(head.headers()).isInstanceOf(LineHeaders.class);
            assertThat(head.headers().get("X-CASE")).isEqualTo("v");
            assertThat(out.subList(1, out.size())).allMatch(o -> o instanceof HttpContent);
            assertThat(out.get(out.size() - 1)).isInstanceOf(LastHttpContent.class);
        } finally {
            out.forEach(ReferenceCountUtil::release);
        }
    }

    @Test
    void bytesAfterAPlainResponseMarkTheConnectionOverrun() {
        UpstreamHttpCodec codec = new UpstreamHttpCodec(config());
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA",
                StandardCharsets.US_ASCII));
        assertThat(codec.overrun()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void anEndpointClosingInsideABodyGivesNoEndAsBefore() {
        byte[] bytes = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII);
        for (boolean ours : new boolean[] {true, false}) {
            EmbeddedChannel ch = new EmbeddedChannel(ours ? new UpstreamHttpCodec(config())
                    : new HttpResponseDecoder(config()));
            ch.writeInbound(Unpooled.wrappedBuffer(bytes));
            ch.finish();
            List<HttpObject> out = drain(ch);
            assertThat(out).noneMatch(o -> o instanceof LastHttpContent);
            assertThat(out).hasSize(2);
            out.forEach(ReferenceCountUtil::release);
        }
    }

    private static List<HttpObject> decode(io.netty.channel.ChannelHandler codec, byte[] bytes, int split,
                                           boolean headRequest) {
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        if (headRequest) {
            ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/"));
            ch.releaseOutbound();
        }
        for (int i = 0; i < bytes.length; i += split) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(split, bytes.length - i)));
        }
        ch.finish();
        return drain(ch);
    }

    private static List<HttpObject> drain(EmbeddedChannel ch) {
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
            if (o instanceof HttpResponse r) {
                StringBuilder h = new StringBuilder();
                for (Map.Entry<String, String> e : r.headers()) {
                    h.append(e.getKey()).append('=').append(e.getValue()).append(';');
                }
                d.add(r.protocolVersion() + " " + r.status() + " [" + h + "]" + result);
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

    /** The response side of this codec as it was before it read heads itself: Netty's decoder, told of HEAD. */
    private static final class BeforeCodec extends io.netty.channel.CombinedChannelDuplexHandler<HttpResponseDecoder,
            io.netty.handler.codec.http.HttpRequestEncoder> {
        private boolean head;

        BeforeCodec() {
            init(new HttpResponseDecoder(config()) {
                @Override
                protected boolean isContentAlwaysEmpty(io.netty.handler.codec.http.HttpMessage msg) {
                    return head && ((HttpResponse) msg).status().code() >= 200 || super.isContentAlwaysEmpty(msg);
                }
            }, new io.netty.handler.codec.http.HttpRequestEncoder() {
                @Override
                protected void encode(io.netty.channel.ChannelHandlerContext ctx, Object msg, List<Object> out)
                        throws Exception {
                    if (msg instanceof io.netty.handler.codec.http.HttpRequest r) {
                        head = r.method().equals(HttpMethod.HEAD);
                    }
                    super.encode(ctx, msg, out);
                }
            });
        }
    }
}
