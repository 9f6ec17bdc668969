package dev.breakwater.dataplane.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 origin on 127.0.0.1 for tests (the JDK's HTTP server), answering every request with
 * {@code X-Backend: <name>} and a text body describing what it received:
 *
 * <pre>
 * backend=NAME
 * method=GET
 * uri=/a?b
 * header.host=example.com
 * header.x-forwarded-for=127.0.0.1
 * ...
 * </pre>
 *
 * Special paths: {@code /status/NNN} answers that status; {@code /slow/MS} waits first; {@code /bytes/N} sends N
 * bytes chunked; {@code /sha256} answers the SHA-256 (hex) and length of the request body it read;
 * {@code /echo} streams the request body back.
 */
public final class TestBackend implements AutoCloseable {

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int failWith;

    private TestBackend(String name, HttpServer server) {
        this.name = name;
        this.server = server;
    }

    public static TestBackend start(String name) {
        return start(name, 0);
    }

    /** A backend on a given port of 127.0.0.1 (0: any free port). */
    public static TestBackend start(String name, int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
            TestBackend b = new TestBackend(name, server);
            server.createContext("/", b::handle);
            server.setExecutor(b.executor);
            server.start();
            return b;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start test backend " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** From now on answers every request (but {@code /healthz-ok}) with this status; 0 to stop. */
    public void failWith(int status) {
        this.failWith = status;
    }

    /** Requests answered so far. */
    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        try (ex) {
            String path = ex.getRequestURI().getPath();
            ex.getResponseHeaders().set("X-Backend", name);
            int failing = failWith;
            if (failing != 0 && !path.equals("/healthz-ok")) {
                ex.getRequestBody().readAllBytes();
                send(ex, failing, "failing on purpose\n");
                return;
            }
            if (path.startsWith("/slow/")) {
                sleep(Long.parseLong(path.substring("/slow/".length())));
            }
            if (path.equals("/echo")) {
                ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
                ex.sendResponseHeaders(200, 0);
                try (InputStream in = ex.getRequestBody(); OutputStream out = ex.getResponseBody()) {
                    in.transferTo(out);
                }
                return;
            }
            if (path.equals("/sha256")) {
                MessageDigest sha = sha256();
                long n = 0;
                byte[] buf = new byte[65536];
                try (InputStream in = ex.getRequestBody()) {
                    int r;
                    while ((r = in.read(buf)) > 0) {
                        sha.update(buf, 0, r);
                        n += r;
                    }
                }
                send(ex, 200, "sha256=" + HexFormat.of().formatHex(sha.digest()) + "\nlength=" + n + "\n");
                return;
            }
            if (path.startsWith("/bytes/")) {
                long n = Long.parseLong(path.substring("/bytes/".length()));
                ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
                ex.sendResponseHeaders(200, 0);
                byte[] chunk = new byte[16384];
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = (byte) ('a' + i % 26);
                }
                try (OutputStream out = ex.getResponseBody()) {
                    for (long sent = 0; sent < n; sent += chunk.length) {
                        out.write(chunk, 0, (int) Math.min(chunk.length, n - sent));
                    }
                }
                return;
            }
            ex.getRequestBody().readAllBytes();
            int status = path.startsWith("/status/") ? Integer.parseInt(path.substring("/status/".length())) : 200;
            send(ex, status, describe(ex));
        }
    }

    private String describe(HttpExchange ex) {
        StringBuilder sb = new StringBuilder();
        sb.append("backend=").append(name).append('\n');
        sb.append("method=").append(ex.getRequestMethod()).append('\n');
        sb.append("uri=").append(ex.getRequestURI().toString()).append('\n');
        Map<String, List<String>> sorted = new TreeMap<>();
        ex.getRequestHeaders().forEach((k, v) -> sorted.put(k.toLowerCase(java.util.Locale.ROOT), v));
        sorted.forEach((k, v) -> sb.append("header.").append(k).append('=').append(String.join(",", v)).append('\n'));
        return sb.toString();
    }

    private static void send(HttpExchange ex, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        boolean noBody = status == 204 || status == 304 || ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Parses a {@link TestBackend} body into its key=value lines. */
    public static Map<String, String> parse(String body) {
        Map<String, String> m = new TreeMap<>();
        for (String line : body.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }
}
