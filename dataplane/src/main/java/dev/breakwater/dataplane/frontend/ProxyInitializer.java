package dev.breakwater.dataplane.frontend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** The pipeline of a plain-HTTP client connection: idle timer, HTTP/1.1 codec, proxy. */
public final class ProxyInitializer extends ChannelInitializer<Channel> {

    private final ProxyServices services;

    public ProxyInitializer(ProxyServices services) {
        this.services = services;
    }

    @Override
    protected void initChannel(Channel ch) {
        services.connections().add(ch);
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(services.config().maxInitialLineLength())
                .setMaxHeaderSize(services.config().maxHeaderSize())
                .setMaxChunkSize(65536);
        ch.pipeline()
                .addLast("idle", new IdleStateHandler(services.config().idleTimeout().toMillis(), 0, 0,
                        TimeUnit.MILLISECONDS))
                .addLast("head-timeout", new RequestHeadTimeout(services.config().requestHeaderTimeout().toMillis()))
                .addLast("http", new HttpServerCodec(decoder))
                .addLast("proxy", new ProxyHandler(services, "http"));
    }
}
