package dev.breakwater.dataplane.backend;

import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.tls.TlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Opens the upstream connections of one event loop's {@link UpstreamPool}: a new TCP (and TLS) connection for an
 * HTTP/1.1 endpoint, a new stream on the loop's one connection to an HTTP/2 endpoint (opened when there is none).
 * Keeps the connects in progress, so that those to an endpoint that left the table are given up at once. Confined
 * to its event loop, as the pool.
 */
final class UpstreamConnector {

    private final UpstreamPool pool;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final TlsContexts clientTls;
    private final Map<String, Http2Parent> http2Parents = new HashMap<>();
    /** Connects (and TLS handshakes) in progress, with their endpoint's key: failed at once if it leaves the table. */
    private final Map<Channel, Connecting> connecting = new IdentityHashMap<>();

    UpstreamConnector(UpstreamPool pool, EventLoop loop, Class<? extends Channel> channelClass,
                      AddressResolverGroup<InetSocketAddress> resolver, TlsContexts clientTls) {
        this.pool = pool;
        this.loop = loop;
        this.clientTls = clientTls;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .resolver(resolver)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
    }

    /** See {@link UpstreamPool#connect}; {@code config} gives the limits in force. */
    Future<UpstreamConnection> connect(UpstreamEndpoint endpoint, int connectTimeoutMillis, ProxyConfig config) {
        Promise<UpstreamConnection> promise = loop.newPromise();
        if (endpoint.protocol().http2()) {
            openStream(endpoint, connectTimeoutMillis, config, promise);
        } else {
            connectHttp1(endpoint, connectTimeoutMillis, config, promise);
        }
        return promise;
    }

    /** Gives up the connects in progress to endpoints not in {@code servingKeys}. */
    void giveUpOthers(Set<String> servingKeys) {
        for (Map.Entry<Channel, Connecting> e : List.copyOf(connecting.entrySet())) {
            Connecting c = e.getValue();
            if (!servingKeys.contains(c.key())) {
                UpstreamPool.LOG.debug("{} left the table while being connected to: that connect is given up",
                        c.key());
                c.ready().tryFailure(new EndpointLeftTableException(c.key()));
                e.getKey().close();
            }
        }
    }

    /** Closes the HTTP/2 connections to endpoints not in {@code liveKeys}. */
    void closeHttp2Except(Set<String> liveKeys) {
        Iterator<Map.Entry<String, Http2Parent>> parents = http2Parents.entrySet().iterator();
        while (parents.hasNext()) {
            Map.Entry<String, Http2Parent> e = parents.next();
            if (!liveKeys.contains(e.getKey())) {
                parents.remove();
                e.getValue().channel.close();
            }
        }
    }

    private void connectHttp1(UpstreamEndpoint endpoint, int connectTimeoutMillis, ProxyConfig config,
                              Promise<UpstreamConnection> promise) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(config.maxInitialLineLength())
                .setMaxHeaderSize(config.maxHeaderSize() * 4)
                .setMaxChunkSize(65536);
        UpstreamHttpCodec codec = new UpstreamHttpCodec(decoder);
        UpstreamConnection handler = new UpstreamConnection(pool, endpoint.key(), codec);
        Promise<Channel> ready = loop.newPromise();
        open(endpoint, connectTimeoutMillis, false, ready, p -> {
            p.addLast("http", codec);
            p.addLast("upstream", handler);
        });
        ready.addListener(r -> {
            if (r.isSuccess()) {
                promise.trySuccess(handler);
            } else {
                promise.tryFailure(r.cause());
            }
        });
    }

    private SslHandler sslHandler(Channel ch, UpstreamEndpoint endpoint, int timeoutMillis, boolean http2) {
        SslContext ctx = clientTls.client(endpoint.tls(), http2);
        String name = endpoint.serverName();
        SslHandler h = name != null
                ? ctx.newHandler(ch.alloc(), name, endpoint.socketAddress().getPort())
                : ctx.newHandler(ch.alloc(), endpoint.endpoint().address(), endpoint.socketAddress().getPort());
        h.setHandshakeTimeoutMillis(timeoutMillis);
        return h;
    }

    /** The loop's HTTP/2 connection to an endpoint: ready once connected (and, over TLS, handshaken). */
    private static final class Http2Parent {
        final Channel channel;
        final Promise<Channel> ready;

        Http2Parent(Channel channel, Promise<Channel> ready) {
            this.channel = channel;
            this.ready = ready;
        }
    }

    private void openStream(UpstreamEndpoint endpoint, int connectTimeoutMillis, ProxyConfig config,
                            Promise<UpstreamConnection> promise) {
        Http2Parent parent = http2Parents.get(endpoint.key());
        if (parent == null || (parent.ready.isDone() && !parent.channel.isActive())) {
            parent = connectHttp2(endpoint, connectTimeoutMillis, config);
            http2Parents.put(endpoint.key(), parent);
        }
        parent.ready.addListener(ready -> {
            if (!ready.isSuccess()) {
                promise.tryFailure(ready.cause());
                return;
            }
            Channel conn = (Channel) ready.getNow();
            UpstreamConnection handler = new UpstreamConnection(pool, endpoint.key(), null);
            new Http2StreamChannelBootstrap(conn)
                    .handler(new ChannelInitializer<Http2StreamChannel>() {
                        @Override
                        protected void initChannel(Http2StreamChannel stream) {
                            stream.pipeline().addLast("http", new Http2StreamFrameToHttpObjectCodec(false));
                            stream.pipeline().addLast("upstream", handler);
                        }
                    })
                    .open()
                    .addListener(opened -> {
                        if (opened.isSuccess()) {
                            promise.trySuccess(handler);
                        } else {
                            promise.tryFailure(opened.cause());
                        }
                    });
        });
    }

    private Http2Parent connectHttp2(UpstreamEndpoint endpoint, int connectTimeoutMillis, ProxyConfig config) {
        Promise<Channel> ready = loop.newPromise();
        Channel channel = open(endpoint, connectTimeoutMillis, true, ready, p -> {
            p.addLast("h2", Http2FrameCodecBuilder.forClient()
                    .initialSettings(Http2Settings.defaultSettings().pushEnabled(false)
                            .initialWindowSize(config.http2InitialWindowSize()))
                    .validateHeaders(false)
                    .build());
            p.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        }).channel();
        Http2Parent parent = new Http2Parent(channel, ready);
        channel.closeFuture().addListener(closed -> {
            if (http2Parents.get(endpoint.key()) == parent) {
                http2Parents.remove(endpoint.key());
            }
        });
        return parent;
    }

    /**
     * Opens a connection to an endpoint: TLS first when its protocol says so (ALPN h2 for HTTP/2), then the
     * handlers {@code protocol} adds. {@code ready} completes once connected and, over TLS, handshaken.
     */
    private ChannelFuture open(UpstreamEndpoint endpoint, int connectTimeoutMillis, boolean http2,
                               Promise<Channel> ready, Consumer<ChannelPipeline> protocol) {
        SslHandler[] ssl = new SslHandler[1];
        ChannelFuture f = bootstrap.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (endpoint.protocol().tls()) {
                            ssl[0] = sslHandler(ch, endpoint, connectTimeoutMillis, http2);
                            ch.pipeline().addLast("tls", ssl[0]);
                        }
                        protocol.accept(ch.pipeline());
                    }
                })
                .connect(endpoint.socketAddress());
        Channel ch = f.channel();
        connecting.put(ch, new Connecting(endpoint.key(), ready));
        ready.addListener(r -> connecting.remove(ch));
        whenReady(f, ssl, ready);
        return f;
    }

    /** A connect in progress: its endpoint, and what completes once it is connected (and handshaken). */
    private record Connecting(String key, Promise<Channel> ready) {
    }

    /** Completes {@code ready} once the connection is made and, over TLS, its handshake is done. */
    private static void whenReady(ChannelFuture connect, SslHandler[] ssl, Promise<Channel> ready) {
        connect.addListener((ChannelFutureListener) cf -> {
            if (!cf.isSuccess()) {
                ready.tryFailure(cf.cause());
            } else if (ssl[0] == null) {
                ready.trySuccess(cf.channel());
            } else {
                ssl[0].handshakeFuture().addListener(hs -> {
                    if (hs.isSuccess()) {
                        ready.trySuccess(cf.channel());
                    } else {
                        cf.channel().close();
                        ready.tryFailure(hs.cause());
                    }
                });
            }
        });
    }
}
