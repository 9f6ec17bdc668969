package dev.breakwater.dataplane.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The conversion between a client stream's frames and the exchange's request and response, without sockets. */
class Http2FramesTest {

    private ChannelHandlerContext ctx;
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
        @Override
        public void handlerAdded(ChannelHandlerContext c) {
            ctx = c;
        }
    });

    @AfterEach
    void close() {
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    private static Http2Headers get() {
        return new DefaultHttp2Headers().method("GET").scheme("https").authority("a.test").path("/x?y=1")
                .add("accept", "text/plain");
    }

    @Test
    void aHeadersFrameThatEndsTheStreamIsAHeadWithoutFraming() throws Exception {
        HttpRequest req = Http2Frames.request(new DefaultHttp2HeadersFrame(get(), true));
        assertThat(req).isNotInstanceOf(FullHttpRequest.class);
        assertThat(req.method().name()).isEqualTo("GET");
        assertThat(req.uri()).isEqualTo("/x?y=1");
        assertThat(req.headers().get("host")).isEqualTo("a.test");
        assertThat(req.headers().get("accept")).isEqualTo("text/plain");
        assertThat(req.headers().contains("transfer-encoding")).as("no body follows").isFalse();
    }

    @Test
    void aBodyOfUnknownLengthIsChunkedAndItsFramesAreItsParts() throws Exception {
        Http2Headers post = get().method("POST");
        HttpRequest req = Http2Frames.request(new DefaultHttp2HeadersFrame(post, false));
        assertThat(req).isNotInstanceOf(FullHttpRequest.class);
        assertThat(req.headers().get("transfer-encoding")).isEqualTo("chunked");
        HttpContent part = Http2Frames.content(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("ab",
                StandardCharsets.US_ASCII), false));
        assertThat(part).isNotInstanceOf(LastHttpContent.class);
        part.release();
        HttpContent end = Http2Frames.content(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
        assertThat(end).isInstanceOf(LastHttpContent.class);
        Http2HeadersFrame trailerFrame = new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("x-sum", "1"),
                true);
        assertThat(Http2Frames.opensRequest(trailerFrame)).isFalse();
        assertThat(Http2Frames.trailers(trailerFrame).trailingHeaders().get("x-sum")).isEqualTo("1");
    }

    @Test
    void aWholeResponseWithoutBodyIsOneHeadersFrameEndingTheStream() {
        Http2Frames.write(ctx, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT), false);
        channel.flush();
        Http2HeadersFrame h = channel.readOutbound();
        assertThat(h.headers().status().toString()).isEqualTo("204");
        assertThat(h.isEndStream()).isTrue();
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void aRelayedResponseIsItsHeadThenDataThenTrailers() {
        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set("content-type", "application/grpc").set("connection", "keep-alive");
        Http2Frames.write(ctx, head, false);
        LastHttpContent end = new DefaultLastHttpContent(Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII));
        end.trailingHeaders().set("grpc-status", "0");
        Http2Frames.write(ctx, end, true);
        channel.flush();
        Http2HeadersFrame h = channel.readOutbound();
        assertThat(h.isEndStream()).isFalse();
        assertThat(h.headers().contains("connection")).as("connection-specific headers are not HTTP/2's").isFalse();
        Http2DataFrame data = channel.readOutbound();
        assertThat(data.content().toString(StandardCharsets.US_ASCII)).isEqualTo("hi");
        assertThat(data.isEndStream()).isFalse();
        data.release();
        Http2HeadersFrame trailers = channel.readOutbound();
        assertThat(trailers.isEndStream()).isTrue();
        assertThat(trailers.headers().get("grpc-status").toString()).isEqualTo("0");
    }

    @Test
    void aContinueIsAHeadersFrameThatLeavesTheStreamOpen() {
        Http2Frames.write(ctx, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE), false);
        channel.flush();
        Http2HeadersFrame h = channel.readOutbound();
        assertThat(h.headers().status().toString()).isEqualTo("100");
        assertThat(h.isEndStream()).isFalse();
    }
}
