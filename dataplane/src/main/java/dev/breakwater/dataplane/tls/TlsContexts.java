package dev.breakwater.dataplane.tls;

import dev.breakwater.channel.ChannelTls;
import dev.breakwater.channel.pki.PemKeys;
import dev.breakwater.routing.Certificate;
import dev.breakwater.routing.ClientAuth;
import dev.breakwater.routing.Cluster;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;

/**
 * Builds server {@link SslContext}s: TLS 1.3 and 1.2 only, modern AEAD cipher suites with forward secrecy,
 * ALPN h2 then http/1.1, session resumption by tickets. OpenSSL (BoringSSL through netty-tcnative) where it
 * loads, the JDK's provider otherwise. Contexts are cached by content so that a table swap that keeps a
 * certificate keeps its context (and its session-ticket keys).
 */
public final class TlsContexts {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SslProvider provider;
    private final ConcurrentHashMap<Key, SslContext> cache = new ConcurrentHashMap<>();

    private record Key(String chain, String privateKey, ClientAuth clientAuth, java.util.List<String> tls12Ciphers) {
    }

    /** TLS 1.3's suites, offered whatever the TLS 1.2 ones are. */
    private static final java.util.List<String> TLS13_CIPHERS = java.util.List.of("TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    private record ClientKey(Cluster.UpstreamTls tls, boolean http2) {
    }

    private final ConcurrentHashMap<ClientKey, SslContext> clientCache = new ConcurrentHashMap<>();

    private final boolean sessionResumption;

    public TlsContexts() {
        this(defaultProvider(), true);
    }

    /**
     * @param sessionResumption false turns session tickets and the session cache off, so that every
     *                          connection makes a full handshake (for benchmarks comparing handshakes)
     */
    public TlsContexts(SslProvider provider, boolean sessionResumption) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.sessionResumption = sessionResumption;
    }

    /** Whether servers offer session resumption (tickets and cache). */
    public boolean sessionResumption() {
        return sessionResumption;
    }

    /** OpenSSL (BoringSSL) where it loads, else the JDK's. */
    public static SslProvider defaultProvider() {
        return ChannelTls.defaultProvider();
    }

    /** The provider in use: {@code OPENSSL} (BoringSSL) or {@code JDK}. */
    public SslProvider provider() {
        return provider;
    }

    /** Why OpenSSL is not used, or null when it is. */
    public static String openSslUnavailableReason() {
        return OpenSsl.isAvailable() ? null : String.valueOf(OpenSsl.unavailabilityCause());
    }

    /**
     * The server context for a certificate, asking for client certificates when {@code clientAuth} is set.
     *
     * @throws IllegalArgumentException if the certificate or key cannot be used
     */
    public SslContext server(Certificate certificate, ClientAuth clientAuth) {
        return server(certificate, clientAuth, null);
    }

    /**
     * As {@link #server(Certificate, ClientAuth)}, offering {@code tls12Ciphers} (standard names, in order; the
     * table's {@code ssl-ciphers}) in TLS 1.2 instead of the default suites, or the defaults when null. TLS 1.3
     * offers its three suites either way. A suite the provider cannot serve is left out (the operator has warned of
     * those Breakwater never serves).
     */
    public SslContext server(Certificate certificate, ClientAuth clientAuth, java.util.List<String> tls12Ciphers) {
        Key key = new Key(certificate.certificateChain(), certificate.privateKey(), clientAuth, tls12Ciphers);
        SslContext ctx = cache.get(key);
        if (ctx == null) {
            ctx = build(certificate, clientAuth, tls12Ciphers);
            SslContext prior = cache.putIfAbsent(key, ctx);
            if (prior != null) {
                ctx = prior;
            }
        }
        return ctx;
    }

    /**
     * A client context for endpoints spoken to over TLS: verifying against the cluster's CA bundle (and the
     * endpoint's name) when one is set, encrypting without verification otherwise (ingress-nginx's default).
     * {@code http2} offers ALPN h2 only.
     */
    public SslContext client(Cluster.UpstreamTls tls, boolean http2) {
        ClientKey key = new ClientKey(tls, http2);
        SslContext ctx = clientCache.get(key);
        if (ctx == null) {
            ctx = buildClient(tls, http2);
            SslContext prior = clientCache.putIfAbsent(key, ctx);
            if (prior != null) {
                ctx = prior;
            }
        }
        return ctx;
    }

    private SslContext buildClient(Cluster.UpstreamTls tls, boolean http2) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider).protocols(PROTOCOLS);
            if (tls == null || !tls.verifies()) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
            } else {
                // the CA bundle, else (wellKnown System) the JVM's trust store
                java.security.cert.X509Certificate[] trusted = tls.caCertificates() == null ? null
                        : PemKeys.certificates(tls.caCertificates());
                if (!tls.subjectAltNames().isEmpty()) {
                    // BackendTLSPolicy subjectAltNames: those names are verified, the server name is SNI only
                    b.trustManager(SubjectAltNameTrustManager.of(trusted, tls.subjectAltNames()))
                            .endpointIdentificationAlgorithm(null);
                } else if (trusted == null) {
                    b.trustManager(SubjectAltNameTrustManager.pkix(null)).endpointIdentificationAlgorithm("HTTPS");
                } else {
                    b.trustManager(trusted).endpointIdentificationAlgorithm("HTTPS");
                }
            }
            if (http2) {
                b.ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                        .applicationProtocolConfig(new ApplicationProtocolConfig(
                                ApplicationProtocolConfig.Protocol.ALPN,
                                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                                ApplicationProtocolNames.HTTP_2));
            }
            return b.build();
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("upstream TLS settings: " + e.getMessage(), e);
        }
    }

    private static void disableResumption(SslContext ctx) {
        if (ctx instanceof ReferenceCountedOpenSslContext openSsl) {
            openSsl.sessionContext().setSessionCacheEnabled(false);
            // tickets are refused per connection, see newServerHandler
        } else {
            ctx.sessionContext().setSessionCacheSize(1);
            ctx.sessionContext().setSessionTimeout(1);
        }
    }

    /**
     * The TLS handler for one client connection. With resumption off, session tickets are refused on the
     * connection's OpenSSL engine (BoringSSL's SSL_OP_NO_TICKET, which takes effect per connection).
     */
    public SslHandler newServerHandler(SslContext ctx, ByteBufAllocator alloc) {
        SslHandler handler = ctx.newHandler(alloc);
        if (!sessionResumption && handler.engine() instanceof ReferenceCountedOpenSslEngine engine) {
            io.netty.internal.tcnative.SSL.setOptions(engine.sslPointer(), io.netty.internal.tcnative.SSL.SSL_OP_NO_TICKET);
        }
        return handler;
    }

    /** Forgets contexts that the latest table no longer uses. */
    public void retainOnly(java.util.Set<SslContext> live) {
        cache.values().removeIf(c -> !live.contains(c));
    }

    private SslContext build(Certificate certificate, ClientAuth clientAuth, java.util.List<String> tls12Ciphers) {
        java.util.List<String> ciphers = Http2SecurityUtil.CIPHERS;
        if (tls12Ciphers != null) {
            ciphers = new java.util.ArrayList<>(TLS13_CIPHERS);
            ciphers.addAll(tls12Ciphers);
        }
        try {
            SslContextBuilder b = SslContextBuilder.forServer(PemKeys.privateKey(certificate.privateKey()),
                            PemKeys.certificates(certificate.certificateChain()))
                    .sslProvider(provider)
                    .protocols(PROTOCOLS)
                    .ciphers(ciphers, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(
                            ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                    .sessionCacheSize(20_000)
                    .sessionTimeout(3600);
            if (clientAuth != null) {
                b.trustManager(PemKeys.certificates(clientAuth.caCertificates()))
                        .clientAuth(clientAuth.required() ? io.netty.handler.ssl.ClientAuth.REQUIRE
                                : io.netty.handler.ssl.ClientAuth.OPTIONAL);
            }
            SslContext built = b.build();
            if (!sessionResumption) {
                disableResumption(built);
            }
            return built;
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("certificate " + certificate.name() + ": " + e.getMessage(), e);
        }
    }
}
