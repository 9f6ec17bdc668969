package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.exchange.ProxyServices;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;

/**
 * Builds the {@link Http2EdgeHandler} of an HTTP/2 client connection, whose DATA frames share the connection's
 * flow-control window uniformly among the streams that have some to send ({@link UniformStreamByteDistributor})
 * rather than by the RFC 7540 priority tree (Netty's default, a weighted fair queue per stream kept up to date as
 * streams open and close). RFC 9113 section 5.3 deprecates that priority scheme and lets servers ignore it, as most
 * do; keeping its tree cost about 1.5 % of the CPU of a proxied HTTP/2 request. PRIORITY frames are still read and
 * checked (a stream that depends on itself is a stream error) by the frame reader.
 */
final class Http2ServerCodecBuilder
        extends AbstractHttp2ConnectionHandlerBuilder<Http2EdgeHandler, Http2ServerCodecBuilder> {

    private final ProxyServices services;
    private final Http2ClientOrigin origin;

    Http2ServerCodecBuilder(ProxyServices services, Http2ClientOrigin origin) {
        this.services = services;
        this.origin = origin;
        DefaultHttp2Connection connection = new DefaultHttp2Connection(true);
        connection.remote().flowController(
                new DefaultHttp2RemoteFlowController(connection, new UniformStreamByteDistributor(connection)));
        connection(connection);
    }

    @Override
    public Http2ServerCodecBuilder initialSettings(Http2Settings settings) {
        return super.initialSettings(settings);
    }

    @Override
    public Http2ServerCodecBuilder validateHeaders(boolean validate) {
        return super.validateHeaders(validate);
    }

    @Override
    public Http2ServerCodecBuilder decoderEnforceMaxRstFramesPerWindow(int maxRstFramesPerWindow, int seconds) {
        return super.decoderEnforceMaxRstFramesPerWindow(maxRstFramesPerWindow, seconds);
    }

    @Override
    public Http2EdgeHandler build() {
        return super.build();
    }

    @Override
    protected Http2EdgeHandler build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                                     Http2Settings initialSettings) {
        return new Http2EdgeHandler(decoder, encoder, initialSettings, services, origin);
    }
}
