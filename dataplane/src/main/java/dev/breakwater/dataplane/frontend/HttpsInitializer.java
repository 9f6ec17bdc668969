package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.exchange.ProxyServices;

import dev.breakwater.dataplane.config.TableHolder;
import dev.breakwater.dataplane.tls.CertificateStore;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.buffer.ByteBufAllocator;
import dev.breakwater.dataplane.tls.TlsContexts;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.Mapping;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of a TLS client connection: SNI picks the certificate from the current table, ALPN picks
 * HTTP/2 (streams read and answered on the connection by {@link Http2EdgeHandler}, no channel per stream) or
 * HTTP/1.1.
 */
public final class HttpsInitializer extends ChannelInitializer<Channel> {

    private static final Logger LOG = LoggerFactory.getLogger(HttpsInitializer.class);

    private final ProxyServices services;
    private final TlsContexts tls;
    private final BiConsumer<Channel, Runnable> prelude;

    public HttpsInitializer(ProxyServices services, TlsContexts tls) {
        this(services, tls, (ch, rest) -> rest.run());
    }

    /**
     * @param prelude adds the first handlers of a connection (PROXY protocol gate, TLS passthrough by SNI) and runs
     *                the rest of the pipeline's set-up for a connection that is to be terminated here
     */
    public HttpsInitializer(ProxyServices services, TlsContexts tls, BiConsumer<Channel, Runnable> prelude) {
        this.services = services;
        this.tls = tls;
        this.prelude = prelude;
    }

    @Override
    protected void initChannel(Channel ch) {
        services.connections().add(ch);
        prelude.accept(ch, () -> terminate(ch));
    }

    private void terminate(Channel ch) {
        TableHolder table = services.table();
        Mapping<String, SslContext> mapping = host -> table.certificates().lookup(host).context();
        ch.pipeline()
                .addLast("idle", new IdleStateHandler(table.config().idleTimeout().toMillis(), 0, 0,
                        TimeUnit.MILLISECONDS))
                .addLast("sni", new SniHandler(mapping, services.config().maxHeaderSize(),
                        services.config().connectTimeout().toMillis()) {
                    @Override
                    protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
                        return tls.newServerHandler(context, allocator);
                    }

                    @Override
                    protected void replaceHandler(ChannelHandlerContext ctx, String hostname, SslContext context)
                            throws Exception {
                        CertificateStore.Entry entry = table.certificates().lookup(hostname);
                        ctx.channel().attr(TlsSession.SERVER_NAME).set(hostname);
                        // the entry that matches the context chosen (the table may have swapped meanwhile)
                        ctx.channel().attr(TlsSession.ENTRY).set(entry.context() == context ? entry
                                : new CertificateStore.Entry(context, "unknown", null));
                        super.replaceHandler(ctx, hostname, context);
                    }
                })
                .addLast("alpn", new Alpn());
    }

    private final class Alpn extends ApplicationProtocolNegotiationHandler {
        Alpn() {
            super(ApplicationProtocolNames.HTTP_1_1);
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            services.metrics().handshake(protocol, TlsSession.resumed(ctx.channel()));
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                Http2Pipeline.install(ctx.channel(), services, "https");
            } else {
                ctx.pipeline().addLast("head-timeout",
                        new RequestHeadTimeout(services.table().config().requestHeaderTimeout().toMillis()));
                ctx.pipeline().addLast("http", ProxyInitializer.serverCodec(services.table().config()));
                ctx.pipeline().addLast("proxy", new Http1Connection(services, "https"));
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            services.metrics().handshakeFailed();
            LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
