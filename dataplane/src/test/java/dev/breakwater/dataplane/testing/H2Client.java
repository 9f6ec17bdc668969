package dev.breakwater.dataplane.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/2 client over TLS (ALPN h2, any certificate trusted) that sends request heads exactly as given, pseudo
 * headers included, without the checks a real client library would make: for requests a browser never sends.
 */
public final class H2Client implements AutoCloseable {

    /** The answer on a stream: a status and body, or the error code of a RST_STREAM (status -1). */
    public record Answer(int status, Http2Headers headers, String body, long resetCode) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel connection;

    public H2Client(int port, String sni) throws Exception {
        SslContext tls = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
                .build();
        connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), sni, port));
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().validateHeaders(false).build());
                        ch.pipeline().addLast(new Http2MultiplexHandler(new SimpleChannelInboundHandler<Object>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                // no pushed streams expected
                            }
                        }));
                    }
                }).connect("127.0.0.1", port).sync().channel();
    }

    /** False once the server closed the connection. */
    public boolean isOpen() {
        return connection.isActive();
    }

    /** Sends one request (a body when {@code body} is not null) and waits for its answer. */
    public Answer send(Http2Headers head, String body) throws Exception {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                .handler(new SimpleChannelInboundHandler<Http2StreamFrame>() {
                    private Http2Headers headers;
                    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
                        if (frame instanceof Http2HeadersFrame h) {
                            if (headers == null) {
                                headers = h.headers();
                            }
                            if (h.isEndStream()) {
                                done();
                            }
                        } else if (frame instanceof Http2DataFrame d) {
                            bytes.writeBytes(ByteBufUtil.getBytes(d.content()));
                            if (d.isEndStream()) {
                                done();
                            }
                        } else if (frame instanceof Http2ResetFrame r) {
                            answer.complete(new Answer(-1, headers, bytes.toString(StandardCharsets.UTF_8),
                                    r.errorCode()));
                        }
                    }

                    private void done() {
                        int status = Integer.parseInt(headers.status().toString());
                        answer.complete(new Answer(status, headers, bytes.toString(StandardCharsets.UTF_8), 0));
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        // the multiplexer passes a RST_STREAM to the stream as an event
                        if (evt instanceof Http2ResetFrame r) {
                            answer.complete(new Answer(-1, headers, bytes.toString(StandardCharsets.UTF_8),
                                    r.errorCode()));
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        answer.completeExceptionally(new IllegalStateException("stream closed without an answer"));
                    }
                }).open().sync().getNow();
        if (body == null) {
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(head, true));
        } else {
            stream.write(new DefaultHttp2HeadersFrame(head, false));
            stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), true));
        }
        return answer.get(10, TimeUnit.SECONDS);
    }

    /**
     * Sends a request head, runs {@code meanwhile} (e.g. waits until the endpoint has the request), then cancels the
     * stream (RST_STREAM CANCEL) before its answer.
     */
    public void sendThenReset(Http2Headers head, Runnable meanwhile) throws Exception {
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                .handler(new SimpleChannelInboundHandler<Http2StreamFrame>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
                        // the answer, if any, is not awaited
                    }
                }).open().sync().getNow();
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(head, true)).sync();
        meanwhile.run();
        stream.close().sync(); // a stream channel closed before its end sends RST_STREAM CANCEL
    }

    @Override
    public void close() {
        connection.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
