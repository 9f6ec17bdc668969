package dev.breakwater.dataplane.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conversion between a client stream's frames and the exchange's request body and response, written through a
 * real connection handler's encoder on an embedded channel and read back as frames, without sockets.
 */
class Http2FramesTest {

    private final EmbeddedChannel channel = EmbeddedHttp2.connection();
    private final H2Wire wire = new H2Wire(channel);
    private Http2EdgeHandler edge;

    @BeforeEach
    void openStream() throws Exception {
        wire.preface(new Http2Settings());
        wire.frames(); // the server's SETTINGS and its ack
        edge = channel.pipeline().get(Http2EdgeHandler.class);
        edge.connection().remote().createStream(1, false); // as a client's HEADERS would, without a request
    }

    @AfterEach
    void close() {
        wire.release();
        channel.finishAndReleaseAll();
    }

    private List<String> written() throws Exception {
        edge.flushSoon();
        return wire.frames();
    }

    @Test
    void bodyPartsAreTheDataFramesBuffersAndTrailersEndTheBody() throws Exception {
        HttpContent part = Http2Frames.content(Unpooled.copiedBuffer("ab", StandardCharsets.US_ASCII), false);
        assertThat(part).isNotInstanceOf(LastHttpContent.class);
        assertThat(part.content().toString(StandardCharsets.US_ASCII)).isEqualTo("ab");
        part.release();
        HttpContent end = Http2Frames.content(Unpooled.EMPTY_BUFFER, true);
        assertThat(end).isInstanceOf(LastHttpContent.class);
        LastHttpContent trailers = Http2Frames.trailers(1, new DefaultHttp2Headers().add("x-sum", "1"));
        assertThat(trailers.trailingHeaders().get("x-sum")).isEqualTo("1");
    }

    @Test
    void aWholeResponseWithoutBodyIsOneHeadersFrameEndingTheStream() throws Exception {
        Http2Frames.write(edge, 1, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT),
                false);
        assertThat(written()).containsExactly("HEADERS 1 :status=204 end");
    }

    @Test
    void aRelayedResponseIsItsHeadThenDataThenTrailers() throws Exception {
        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set("content-type", "application/grpc").set("connection", "keep-alive");
        Http2Frames.write(edge, 1, head, false);
        LastHttpContent end = new DefaultLastHttpContent(Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII));
        end.trailingHeaders().set("grpc-status", "0");
        assertThat(Http2Frames.write(edge, 1, end, true)).as("the last frame's future").isNotNull();
        assertThat(written()).as("connection-specific headers are not HTTP/2's").containsExactly(
                "HEADERS 1 :status=200 content-type=application/grpc",
                "DATA 1 hi",
                "HEADERS 1 grpc-status=0 end");
    }

    @Test
    void aContinueIsAHeadersFrameThatLeavesTheStreamOpen() throws Exception {
        Http2Frames.write(edge, 1, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE),
                false);
        assertThat(written()).containsExactly("HEADERS 1 :status=100");
        assertThat(edge.connection().stream(1).state().localSideOpen()).isTrue();
    }
}
