package dev.breakwater.dataplane.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The streams of an HTTP/2 client connection, read and answered on the connection itself (no channel per stream),
 * on an embedded channel: the client's frames in bytes, the proxy's frames read back.
 */
class Http2StreamsTest {

    private final EmbeddedChannel ch = EmbeddedHttp2.connection();
    private final H2Wire wire = new H2Wire(ch);

    @AfterEach
    void close() {
        wire.release();
        ch.finishAndReleaseAll();
    }

    private static Http2Headers get(String path) {
        return new DefaultHttp2Headers().method("GET").scheme("https").authority("a.test").path(path);
    }

    @Test
    void streamsAreAnsweredOnTheConnectionWithoutAChannelEach() throws Exception {
        wire.preface(new Http2Settings());
        wire.headers(1, get("/one"), true);
        wire.headers(3, get("/two"), true);
        List<String> frames = wire.frames();
        assertThat(frames).filteredOn(f -> f.startsWith("HEADERS 1 :status=200 ")).hasSize(1);
        assertThat(H2Wire.body(frames, 1)).contains("hello");
        assertThat(frames).filteredOn(f -> f.startsWith("HEADERS 3 :status=200 ")).hasSize(1);
        assertThat(H2Wire.body(frames, 3)).contains("hello");
        assertThat(frames).filteredOn(f -> f.startsWith("DATA ") && f.endsWith(" end")).hasSize(2);
        assertThat(ch.pipeline().names()).startsWith("h2", "h2-idle");
        Http2EdgeHandler edge = ch.pipeline().get(Http2EdgeHandler.class);
        assertThat(edge.connection().numActiveStreams()).as("both streams closed").isZero();
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void aHeadWithoutPathIsResetAndTheConnectionGoesOn() throws Exception {
        wire.preface(new Http2Settings());
        wire.headers(1, new DefaultHttp2Headers().method("GET").scheme("https").authority("a.test"), true);
        assertThat(wire.frames()).containsExactly("RST_STREAM 1 " + Http2Error.PROTOCOL_ERROR.code());
        wire.headers(3, get("/"), true);
        assertThat(H2Wire.body(wire.frames(), 3)).contains("hello");
    }

    @Test
    void aLowerCaseMethodIsAnswered400() throws Exception {
        wire.preface(new Http2Settings());
        wire.headers(1, get("/").method("get"), true);
        List<String> frames = wire.frames();
        assertThat(frames.get(0)).startsWith("HEADERS 1 :status=400");
        assertThat(frames.get(1)).startsWith("DATA 1 400 Bad Request: the method must be upper-case").endsWith(" end");
    }

    @Test
    void aBodyOverTheRoutesLimitIs413ThenTheStreamIsReset() throws Exception {
        wire.preface(new Http2Settings());
        wire.headers(1, get("/upload").method("POST").setInt("content-length", 19), false);
        wire.data(1, "more than ten bytes", false);
        List<String> frames = wire.frames();
        assertThat(frames.get(0)).startsWith("HEADERS 1 :status=413");
        assertThat(frames).contains("RST_STREAM 1 " + Http2Error.CANCEL.code());
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void aResponseWaitsForTheClientsWindow() throws Exception {
        wire.preface(new Http2Settings().initialWindowSize(2));
        wire.headers(1, get("/"), true);
        List<String> first = wire.frames();
        assertThat(first).hasSize(2);
        assertThat(first.get(0)).startsWith("HEADERS 1 :status=200 ");
        assertThat(H2Wire.body(first, 1)).as("two bytes: the client's window").hasSize(2);
        wire.windowUpdate(1, 3);
        List<String> more = wire.frames();
        assertThat(more).hasSize(1);
        assertThat(H2Wire.body(more, 1)).hasSize(3);
        wire.windowUpdate(1, 1000);
        List<String> rest = wire.frames();
        assertThat(rest).hasSize(1);
        assertThat(rest.get(0)).endsWith(" end");
        assertThat(H2Wire.body(first, 1) + H2Wire.body(more, 1) + H2Wire.body(rest, 1)).contains("hello");
    }

}
