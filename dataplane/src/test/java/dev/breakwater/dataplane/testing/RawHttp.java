package dev.breakwater.dataplane.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A plain socket speaking HTTP/1.1 byte by byte, for what high-level clients will not send. */
public final class RawHttp implements AutoCloseable {

    /** A parsed response. */
    public record Response(int status, String headers, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            for (String line : headers.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttp(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    /** Over a socket already connected (a TLS one, say). */
    public RawHttp(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Over TLS to 127.0.0.1, trusting any certificate, offering HTTP/1.1 only; {@code sni} may be null. */
    public static RawHttp tls(int port, String sni) throws IOException {
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) TestPki.trustAll().getSocketFactory()
                .createSocket("127.0.0.1", port);
        javax.net.ssl.SSLParameters p = s.getSSLParameters();
        p.setApplicationProtocols(new String[] {"http/1.1"});
        if (sni != null) {
            p.setServerNames(List.of(new javax.net.ssl.SNIHostName(sni)));
        }
        s.setSSLParameters(p);
        s.startHandshake();
        return new RawHttp(s);
    }

    public RawHttp send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    public RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads one response; {@code head} says the request was HEAD (no body follows). */
    public Response read(boolean head) throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        StringBuilder headers = new StringBuilder();
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        String l;
        while ((l = line()) != null && !l.isEmpty()) {
            headers.append(l).append("\r\n");
            String lower = l.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(l.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (head || status == 204 || status == 304 || status / 100 == 1) {
            return new Response(status, headers.toString(), body.toByteArray());
        }
        if (chunked) {
            while (true) {
                int size = Integer.parseInt(line().split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    break;
                }
                body.write(in.readNBytes(size));
                line();
            }
        } else if (length >= 0) {
            body.write(in.readNBytes((int) length));
        } else if (close) {
            body.write(in.readAllBytes());
        }
        return new Response(status, headers.toString(), body.toByteArray());
    }

    public Response read() throws IOException {
        return read(false);
    }

    /** Reads several responses in order. */
    public List<Response> read(int n) throws IOException {
        List<Response> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            r.add(read());
        }
        return r;
    }

    /** True once the server has closed the connection (reads end of stream). */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c < 0 && b.size() == 0) {
            return null;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
