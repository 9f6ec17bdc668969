package dev.breakwater.dataplane.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.dataplane.exchange.EncodedResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client connection's HTTP/1.1 codec without a socket: responses matched with their requests' methods. */
class Http1ServerCodecTest {

    private EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec(new HttpDecoderConfig(), 16));

    /**
     * A decoder that lets a request with both {@code Transfer-Encoding: chunked} and {@code Content-Length} through
     * (RFC 9112 6.3 allows it, the default refuses it): the codec must then close after its response.
     */
    private void lenientAboutChunkedWithContentLength() {
        ch.finishAndReleaseAll();
        ch = new EmbeddedChannel(new Http1ServerCodec(new HttpDecoderConfig().setUseRfc9112TransferEncoding(false), 16));
    }

    @AfterEach
    void finish() {
        ch.finishAndReleaseAll();
    }

    private void clientSends(String raw) {
        ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.US_ASCII));
        Object m;
        while ((m = ch.readInbound()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    private String clientReceives() {
        StringBuilder all = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            all.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return all.toString();
    }

    private static DefaultFullHttpResponse ok(String body) {
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII));
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length());
        return r;
    }

    @Test
    void anEncodedResponseGoesAsItsBytesAndTakesItsRequestsPlaceInTheOrder() {
        clientSends("GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\n\r\n");
        String encoded = "HTTP/1.1 200 OK\r\ncontent-length: 3\r\nage: 0\r\n\r\nabc";
        ch.writeOutbound(new EncodedResponse(Unpooled.copiedBuffer(encoded, StandardCharsets.US_ASCII)));
        ch.writeOutbound(ok("hello")); // answers HEAD: no body goes
        ch.writeOutbound(ok("world"));
        assertThat(clientReceives()).isEqualTo(encoded
                + "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"
                + "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nworld");
    }

    @Test
    void aResponseToHeadAfterAnEncodedOneHasNoBody() {
        clientSends("GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\n\r\n");
        ch.writeOutbound(new EncodedResponse(Unpooled.copiedBuffer("HTTP/1.1 204 No Content\r\n\r\n",
                StandardCharsets.US_ASCII)));
        ch.writeOutbound(ok("hello"));
        assertThat(clientReceives()).endsWith("content-length: 5\r\n\r\n");
    }

    @Test
    void anInterimResponseAnswersNoRequestOfItsOwn() {
        clientSends("HEAD /a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n");
        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                Unpooled.EMPTY_BUFFER));
        ch.writeOutbound(ok("hello"));
        assertThat(clientReceives()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n");
    }

    @Test
    void aRequestWithBothChunkedAndContentLengthClosesTheConnectionAfterItsResponse() {
        lenientAboutChunkedWithContentLength();
        ch.writeInbound(Unpooled.copiedBuffer("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", StandardCharsets.US_ASCII));
        HttpRequest req = ch.readInbound();
        assertThat(req.decoderResult().isSuccess()).as(req.decoderResult().toString()).isTrue();
        assertThat(req.headers().contains(HttpHeaderNames.CONTENT_LENGTH)).as("Content-Length dropped").isFalse();
        ReferenceCountUtil.release(req);
        Object m;
        while ((m = ch.readInbound()) != null) {
            ReferenceCountUtil.release(m);
        }
        ch.writeOutbound(ok("no"));
        ch.runPendingTasks();
        assertThat(clientReceives()).endsWith("\r\n\r\nno");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void anEncodedResponseClosesTooWhenItsRequestWasAmbiguouslyFramed() {
        lenientAboutChunkedWithContentLength();
        clientSends("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        ch.writeOutbound(new EncodedResponse(Unpooled.copiedBuffer("HTTP/1.1 204 No Content\r\n\r\n",
                StandardCharsets.US_ASCII)));
        ch.runPendingTasks();
        assertThat(clientReceives()).isEqualTo("HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aSuccessfulAnswerToConnectCarriesNoTransferEncoding() {
        clientSends("CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n");
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.EMPTY_BUFFER);
        r.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
        ch.writeOutbound(r);
        assertThat(clientReceives()).doesNotContainIgnoringCase("transfer-encoding");
    }

    @Test
    void moreRequestsAheadOfTheirResponsesThanTheDepthFailTheConnection() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 17; i++) {
            many.append("GET /").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.copiedBuffer(many, StandardCharsets.US_ASCII)))
                .hasRootCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("more than 16 pipelined requests");
        Object m;
        while ((m = ch.readInbound()) != null) {
            ReferenceCountUtil.release(m);
        }
    }
}
