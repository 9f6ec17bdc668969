package dev.breakwater.dataplane.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An HTTP/1.1 endpoint on a plain socket that records exactly what it received: every request head as sent on the
 * wire and its body, read the way an honest HTTP/1.1 server reads them (a body only by Content-Length or chunked
 * framing; whatever follows is the next request on the connection). It answers each request with what its responder
 * returns (by default {@code 200} with a small body naming the request's number), written as raw bytes, so a test
 * can make it lie about its framing.
 */
public final class RawBackend implements AutoCloseable {

    /** One request as the endpoint read it. */
    public record Received(int connection, String requestLine, List<String> headerLines, byte[] body) {

        public String method() {
            return requestLine.split(" ", 3)[0];
        }

        public String target() {
            return requestLine.split(" ", 3)[1];
        }

        /** Every value of the header, in order (names compared without case). */
        public List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (String line : headerLines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    values.add(line.substring(colon + 1).trim());
                }
            }
            return values;
        }

        public String header(String name) {
            List<String> values = headers(name);
            return values.isEmpty() ? null : values.get(0);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Socket> sockets = new ConcurrentLinkedQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> unreadable = new CopyOnWriteArrayList<>();
    private volatile Function<Received, byte[]> responder = RawBackend::ok;
    private volatile boolean closeAfterEachResponse;

    private RawBackend() throws IOException {
        server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "raw-backend-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static RawBackend start() {
        try {
            return new RawBackend();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** What to answer each request with: the raw bytes of a response (or several, or a lie). */
    public RawBackend respondWith(Function<Received, byte[]> value) {
        this.responder = value;
        return this;
    }

    /** Closes each connection after its first response, without saying so (no Connection: close). */
    public RawBackend closeAfterEachResponse(boolean value) {
        this.closeAfterEachResponse = value;
        return this;
    }

    /** Every request received so far, in order of arrival. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Request heads this endpoint could not read (a framing an honest HTTP/1.1 server would refuse). */
    public List<String> unreadable() {
        return List.copyOf(unreadable);
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    public void clear() {
        received.clear();
        unreadable.clear();
    }

    /** The default answer: 200, keep-alive, a body {@code request N} (N counts from 1 on this backend). */
    public static byte[] ok(Received r) {
        return response(200, "request " + r.requestLine());
    }

    /** A well-framed response with a text body. */
    public static byte[] response(int status, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return ("HTTP/1.1 " + status + " X\r\nContent-Type: text/plain\r\nContent-Length: " + b.length + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                sockets.add(s);
                int id = connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s, id), "raw-backend-conn-" + id);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int id) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                if (requestLine.isEmpty()) {
                    continue; // RFC 9112 2.2: empty lines before a request line are ignored
                }
                List<String> headers = new ArrayList<>();
                String l;
                while ((l = line(in)) != null && !l.isEmpty()) {
                    headers.add(l);
                }
                if (l == null) {
                    return;
                }
                byte[] body;
                try {
                    body = body(in, headers);
                } catch (NumberFormatException e) {
                    unreadable.add(requestLine + " " + headers);
                    return;
                }
                if (body == null) {
                    return;
                }
                Received r = new Received(id, requestLine, List.copyOf(headers), body);
                received.add(r);
                out.write(responder.apply(r));
                out.flush();
                if (closeAfterEachResponse) {
                    return;
                }
                for (String h : headers) {
                    if (h.toLowerCase(Locale.ROOT).startsWith("connection:") && h.toLowerCase(Locale.ROOT).contains("close")) {
                        return;
                    }
                }
            }
        } catch (IOException e) {
            // the peer went away
        }
    }

    private static byte[] body(InputStream in, List<String> headers) throws IOException {
        long length = 0;
        boolean chunked = false;
        for (String h : headers) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(h.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            while (true) {
                String size = line(in);
                if (size == null) {
                    return null;
                }
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    String trailer;
                    while ((trailer = line(in)) != null && !trailer.isEmpty()) {
                        // trailers are not recorded
                    }
                    return body.toByteArray();
                }
                body.write(in.readNBytes(n));
                line(in);
            }
        }
        byte[] b = in.readNBytes((int) length);
        return b.length == length ? b : null;
    }

    /** A line without its CRLF (ISO-8859-1), or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        Socket s;
        while ((s = sockets.poll()) != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
