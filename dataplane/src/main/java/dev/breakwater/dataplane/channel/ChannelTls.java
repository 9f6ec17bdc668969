package dev.breakwater.dataplane.channel;

import dev.breakwater.dataplane.tls.PemKeys;
import dev.breakwater.dataplane.tls.TlsContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * TLS of the push channel: TLS 1.3 only, mutual. The operator presents its server certificate and requires a
 * client certificate issued by the channel's CA; a data plane presents its client certificate and verifies the
 * operator's against the same CA and a server name (given per connection, see {@link TableClient}).
 * Certificates and keys are PEM; {@code ChannelCredentials} in the operator makes them.
 */
public final class ChannelTls {

    private static final String[] PROTOCOLS = {"TLSv1.3"};

    private ChannelTls() {
    }

    /**
     * The operator's side.
     *
     * @param certificateChain PEM: the server certificate, then any intermediates
     * @param privateKey       PEM: its key
     * @param ca               PEM: the CA(s) whose client certificates are accepted
     * @throws IllegalArgumentException naming what cannot be used
     */
    public static SslContext server(String certificateChain, String privateKey, String ca) {
        return server(parse("certificate", certificateChain, PemKeys::certificates),
                parse("key", privateKey, PemKeys::privateKey), parse("CA", ca, PemKeys::certificates));
    }

    /**
     * A data plane's side.
     *
     * @param ca               PEM: the CA(s) the operator's certificate must chain to
     * @param certificateChain PEM: the client certificate, then any intermediates
     * @param privateKey       PEM: its key
     * @throws IllegalArgumentException naming what cannot be used
     */
    public static SslContext client(String ca, String certificateChain, String privateKey) {
        return client(parse("CA", ca, PemKeys::certificates),
                parse("certificate", certificateChain, PemKeys::certificates),
                parse("key", privateKey, PemKeys::privateKey));
    }

    /** {@link #server(String, String, String)} from PEM files; errors name the file. */
    public static SslContext server(Path certificateChain, Path privateKey, Path ca) {
        return server(read(certificateChain, PemKeys::certificates), read(privateKey, PemKeys::privateKey),
                read(ca, PemKeys::certificates));
    }

    /** {@link #client(String, String, String)} from PEM files; errors name the file. */
    public static SslContext client(Path ca, Path certificateChain, Path privateKey) {
        return client(read(ca, PemKeys::certificates), read(certificateChain, PemKeys::certificates),
                read(privateKey, PemKeys::privateKey));
    }

    private static SslContext server(X509Certificate[] chain, PrivateKey key, X509Certificate[] ca) {
        try {
            return SslContextBuilder.forServer(key, chain)
                    .sslProvider(TlsContexts.defaultProvider())
                    .protocols(PROTOCOLS)
                    .trustManager(ca)
                    .clientAuth(ClientAuth.REQUIRE)
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("push channel server TLS: " + e.getMessage(), e);
        }
    }

    private static SslContext client(X509Certificate[] ca, X509Certificate[] chain, PrivateKey key) {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(TlsContexts.defaultProvider())
                    .protocols(PROTOCOLS)
                    .trustManager(ca)
                    .keyManager(key, chain)
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("push channel client TLS: " + e.getMessage(), e);
        }
    }

    private static <T> T parse(String what, String pem, Function<String, T> parser) {
        try {
            return parser.apply(pem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("push channel " + what + ": " + e.getMessage(), e);
        }
    }

    private static <T> T read(Path file, Function<String, T> parser) {
        try {
            return parser.apply(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
