package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.exchange.ProxyServices;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * The handlers of an HTTP/2 client connection, after ALPN chose {@code h2} over TLS or a plain connection opened
 * with the HTTP/2 preface (h2c with prior knowledge): one connection handler ({@link Http2EdgeHandler}: the frame
 * codec with the configured stream, header and window limits and the rapid-reset guard, whose streams are read and
 * answered on the connection itself, {@link Http2Streams}, with no channel per stream), and the idle closer.
 */
final class Http2Pipeline {

    private Http2Pipeline() {
    }

    /** Adds the handlers at the end of {@code connection}'s pipeline; {@code scheme}: {@code https} or {@code http}. */
    static void install(Channel connection, ProxyServices services, String scheme) {
        ChannelPipeline p = connection.pipeline();
        Http2ClientOrigin origin = new Http2ClientOrigin(connection, services.pool(connection.eventLoop()), scheme);
        p.addLast("h2", new Http2ServerCodecBuilder(services, origin)
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(services.config().http2MaxConcurrentStreams())
                        .maxHeaderListSize(services.table().config().maxHeaderSize())
                        .initialWindowSize(services.config().http2InitialWindowSize()))
                .decoderEnforceMaxRstFramesPerWindow(services.config().http2MaxResetsPerWindow(), 30)
                .validateHeaders(true)
                .build());
        p.addLast("h2-idle", new Http2ConnectionCloser(services.metrics()));
    }
}
