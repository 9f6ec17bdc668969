package dev.breakwater.dataplane.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The client's side of an HTTP/2 connection on an {@link EmbeddedChannel}, in bytes: frames made by Netty's frame
 * writer are read by the channel, and what the channel wrote is read back by Netty's frame reader as one line per
 * frame ({@code HEADERS 1 :status=200 content-type=text/plain end}, {@code DATA 1 hello end},
 * {@code RST_STREAM 1 8}, {@code WINDOW_UPDATE 0 1024}); SETTINGS, their acks and PINGs are left out.
 */
final class H2Wire {

    private final EmbeddedChannel channel;
    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
    private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(false);
    private final CompositeByteBuf in = Unpooled.compositeBuffer();
    /** Where the frame writer writes (the client's side, whose bytes go to {@link #channel}). */
    private final EmbeddedChannel client = new EmbeddedChannel(new ChannelOutboundHandlerAdapter());
    private final ChannelHandlerContext ctx = client.pipeline().firstContext();

    H2Wire(EmbeddedChannel channel) {
        this.channel = channel;
    }

    /** The client preface and its SETTINGS. */
    void preface(Http2Settings settings) {
        channel.writeInbound(Http2CodecUtil.connectionPrefaceBuf());
        writer.writeSettings(ctx, settings, ctx.newPromise());
        pass();
    }

    void headers(int stream, Http2Headers headers, boolean endStream) {
        writer.writeHeaders(ctx, stream, headers, 0, endStream, ctx.newPromise());
        pass();
    }

    void data(int stream, String text, boolean endStream) {
        ByteBuf data = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        writer.writeData(ctx, stream, data, 0, endStream, ctx.newPromise());
        pass();
    }

    void reset(int stream, long code) {
        writer.writeRstStream(ctx, stream, code, ctx.newPromise());
        pass();
    }

    void windowUpdate(int stream, int increment) {
        writer.writeWindowUpdate(ctx, stream, increment, ctx.newPromise());
        pass();
    }

    /** The frames the channel wrote since the last call, one line each. */
    List<String> frames() throws Exception {
        channel.runPendingTasks();
        channel.flush();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            in.addComponent(true, b);
        }
        List<String> lines = new ArrayList<>();
        reader.readFrame(ctx, in, new Http2FrameAdapter() {
            @Override
            public int onDataRead(ChannelHandlerContext c, int streamId, ByteBuf data, int padding, boolean end) {
                lines.add("DATA " + streamId + " " + data.toString(StandardCharsets.UTF_8) + (end ? " end" : ""));
                return data.readableBytes() + padding;
            }

            @Override
            public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int padding,
                                      boolean end) {
                StringBuilder line = new StringBuilder("HEADERS ").append(streamId);
                for (Map.Entry<CharSequence, CharSequence> e : headers) {
                    if (!"date".contentEquals(e.getKey()) && !"request-id".contentEquals(e.getKey())) {
                        line.append(' ').append(e.getKey()).append('=').append(e.getValue());
                    }
                }
                lines.add(line + (end ? " end" : ""));
            }

            @Override
            public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int dependency,
                                      short weight, boolean exclusive, int padding, boolean end) {
                onHeadersRead(c, streamId, headers, padding, end);
            }

            @Override
            public void onRstStreamRead(ChannelHandlerContext c, int streamId, long errorCode) {
                lines.add("RST_STREAM " + streamId + " " + errorCode);
            }

            @Override
            public void onWindowUpdateRead(ChannelHandlerContext c, int streamId, int increment) {
                lines.add("WINDOW_UPDATE " + streamId + " " + increment);
            }

            @Override
            public void onGoAwayRead(ChannelHandlerContext c, int lastStreamId, long errorCode, ByteBuf debug) {
                lines.add("GOAWAY " + lastStreamId + " " + errorCode);
            }
        });
        in.discardReadComponents();
        return lines;
    }

    /** The text of stream {@code id}'s DATA frames among {@code frames}. */
    static String body(List<String> frames, int id) {
        StringBuilder text = new StringBuilder();
        String prefix = "DATA " + id + " ";
        for (String f : frames) {
            if (f.startsWith(prefix)) {
                text.append(f, prefix.length(), f.endsWith(" end") ? f.length() - 4 : f.length());
            }
        }
        return text.toString();
    }

    void release() {
        in.release();
        reader.close();
        writer.close();
        client.finishAndReleaseAll();
    }

    /** Hands what the client wrote to the server's channel. */
    private void pass() {
        client.flush();
        ByteBuf b;
        while ((b = client.readOutbound()) != null) {
            channel.writeInbound(b);
        }
    }
}
