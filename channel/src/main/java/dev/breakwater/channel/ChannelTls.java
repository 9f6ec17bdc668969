package dev.breakwater.channel;

import dev.breakwater.channel.pki.PemKeys;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * TLS of the push channel: TLS 1.3 only, mutual. The operator presents its server certificate and requires a
 * client certificate issued by the channel's CA; a data plane presents its client certificate and verifies the
 * operator's against the same CA and a server name (given per connection, see {@link TableClient}).
 * Certificates and keys are PEM; {@link ChannelCredentials} makes them.
 */
public final class ChannelTls {

    private static final String[] PROTOCOLS = {"TLSv1.3"};

    private ChannelTls() {
    }

    /** OpenSSL (BoringSSL, from netty-tcnative) where it loads, else the JDK's TLS; the data plane's listeners too. */
    public static SslProvider defaultProvider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
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
        return server(PemKeys.certificates(certificateChain, "push channel certificate"),
                PemKeys.privateKey(privateKey, "push channel key"), PemKeys.certificates(ca, "push channel CA"));
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
        return client(PemKeys.certificates(ca, "push channel CA"),
                PemKeys.certificates(certificateChain, "push channel certificate"),
                PemKeys.privateKey(privateKey, "push channel key"));
    }

    /** {@link #server(String, String, String)} from PEM files; errors name the file. */
    public static SslContext server(Path certificateChain, Path privateKey, Path ca) {
        return server(PemKeys.certificates(read(certificateChain), certificateChain.toString()),
                PemKeys.privateKey(read(privateKey), privateKey.toString()),
                PemKeys.certificates(read(ca), ca.toString()));
    }

    /** {@link #client(String, String, String)} from PEM files; errors name the file. */
    public static SslContext client(Path ca, Path certificateChain, Path privateKey) {
        return client(PemKeys.certificates(read(ca), ca.toString()),
                PemKeys.certificates(read(certificateChain), certificateChain.toString()),
                PemKeys.privateKey(read(privateKey), privateKey.toString()));
    }

    private static SslContext server(X509Certificate[] chain, PrivateKey key, X509Certificate[] ca) {
        try {
            return SslContextBuilder.forServer(key, chain)
                    .sslProvider(defaultProvider())
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
                    .sslProvider(defaultProvider())
                    .protocols(PROTOCOLS)
                    .trustManager(ca)
                    .keyManager(key, chain)
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("push channel client TLS: " + e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
