package dev.breakwater.dataplane.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A real TLS server on 127.0.0.1 that terminates with its own certificate (a backend behind TLS passthrough): after
 * the handshake it writes {@code NAME\n}, then echoes every line.
 */
public final class TlsEchoServer implements AutoCloseable {

    private final String name;
    private final SSLServerSocket server;

    private TlsEchoServer(String name, TestPki.Issued certificate, X509Certificate ca) throws Exception {
        this.name = name;
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", certificate.keys().getPrivate(), "x".toCharArray(),
                new X509Certificate[] {certificate.certificate(), ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "x".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "tls-echo-" + name);
        t.setDaemon(true);
        t.start();
    }

    public static TlsEchoServer start(String name, TestPki.Issued certificate, X509Certificate ca) throws Exception {
        return new TlsEchoServer(name, certificate, ca);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "tls-echo-" + name + "-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // handshake failures and clients going away
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
