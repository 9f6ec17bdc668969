package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.exchange.ProxyServices;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * The handlers of an HTTP/2 client connection, after ALPN chose {@code h2} over TLS or a plain connection opened
 * with the HTTP/2 preface (h2c with prior knowledge): the frame codec with the configured stream, header and window
 * limits and the rapid-reset guard, request validation, one child channel per stream with its own
 * {@link Http2StreamHandler}, and the idle closer.
 */
final class Http2Pipeline {

    private Http2Pipeline() {
    }

    /** Adds the handlers at the end of {@code connection}'s pipeline; {@code scheme}: {@code https} or {@code http}. */
    static void install(Channel connection, ProxyServices services, String scheme) {
        ChannelPipeline p = connection.pipeline();
        p.addLast("h2", new Http2ServerCodecBuilder()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(services.config().http2MaxConcurrentStreams())
                        .maxHeaderListSize(services.table().config().maxHeaderSize())
                        .initialWindowSize(services.config().http2InitialWindowSize()))
                .decoderEnforceMaxRstFramesPerWindow(services.config().http2MaxResetsPerWindow(), 30)
                .validateHeaders(true)
                .build());
        p.addLast("h2-validate", new Http2RequestValidator());
        Http2Flusher flusher = new Http2Flusher(connection);
        Http2ClientOrigin origin = new Http2ClientOrigin(connection, services.pool(connection.eventLoop()), scheme);
        p.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast("proxy", new Http2StreamHandler(services, flusher, origin));
            }
        }));
        p.addLast("h2-idle", new Http2ConnectionCloser(services.metrics()));
    }
}
