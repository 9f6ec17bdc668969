package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.exchange.ProxyServices;

import dev.breakwater.dataplane.settings.ProxyConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The pipeline of a plain-HTTP client connection: idle timer, HTTP/1.1 codec, proxy; a connection that opens with
 * the HTTP/2 preface (h2c with prior knowledge, e.g. gRPC without TLS) gets HTTP/2 instead
 * ({@link CleartextHttp2Detector}).
 */
public final class ProxyInitializer extends ChannelInitializer<Channel> {

    /**
     * Pipelined requests the codec may have decoded ahead of the answers. Not a limit clients meet: the proxy stops
     * reading a connection once {@link ProxyConfig#maxPipelinedRequests()} wait, so the codec can be ahead by at most
     * what one read holds (64 KiB, a few thousand of the smallest requests). Netty's default, 128, made a burst of
     * pipelined requests read in one go fail the connection.
     */
    private static final int CODEC_PIPELINE_DEPTH = 1 << 16;

    private final ProxyServices services;
    private final BiConsumer<Channel, Runnable> prelude;

    public ProxyInitializer(ProxyServices services) {
        this(services, (ch, rest) -> rest.run());
    }

    /**
     * @param prelude adds the first handlers of a connection (the PROXY protocol gate) and runs the rest of the
     *                pipeline's set-up when they are done
     */
    public ProxyInitializer(ProxyServices services, BiConsumer<Channel, Runnable> prelude) {
        this.services = services;
        this.prelude = prelude;
    }

    @Override
    protected void initChannel(Channel ch) {
        services.connections().add(ch);
        // the table's settings as served when the connection starts (the controller ConfigMap's keep-alive, ...)
        prelude.accept(ch, () -> ch.pipeline()
                .addLast("h2c-detect", new CleartextHttp2Detector(services))
                .addLast("idle", new IdleStateHandler(services.table().config().idleTimeout().toMillis(), 0, 0,
                        TimeUnit.MILLISECONDS))
                .addLast("head-timeout", new RequestHeadTimeout(
                        services.table().config().requestHeaderTimeout().toMillis()))
                .addLast("http", serverCodec(services.table().config()))
                .addLast("proxy", new Http1Connection(services, "http")));
    }

    /** The HTTP/1.1 server codec with the configured line and header limits (plain and TLS connections). */
    static Http1ServerCodec serverCodec(ProxyConfig config) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(config.maxInitialLineLength())
                .setMaxHeaderSize(config.maxHeaderSize())
                .setMaxChunkSize(65536);
        return new Http1ServerCodec(decoder, CODEC_PIPELINE_DEPTH);
    }
}
