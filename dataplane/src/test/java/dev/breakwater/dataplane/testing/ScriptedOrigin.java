package dev.breakwater.dataplane.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 origin on 127.0.0.1 whose answers a test scripts per path: status, header fields, body and
 * an optional delay. It counts the requests per path and keeps the last request's header fields, and it
 * answers conditional requests as an origin would: 304 when {@code If-None-Match} names the scripted
 * {@code ETag}, or {@code If-Modified-Since} is not older than the scripted {@code Last-Modified}.
 */
public final class ScriptedOrigin implements AutoCloseable {

    /** One scripted answer. */
    public record Answer(int status, Map<String, String> headers, byte[] body, long delayMillis) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, Headers> lastRequest = new ConcurrentHashMap<>();

    private ScriptedOrigin(HttpServer server) {
        this.server = server;
    }

    public static ScriptedOrigin start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
            ScriptedOrigin o = new ScriptedOrigin(server);
            server.createContext("/", o::handle);
            server.setExecutor(o.executor);
            server.start();
            return o;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the scripted origin", e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Scripts the answer for a path (the query is ignored): header fields as name, value pairs; a name given twice
     * is sent as two field lines.
     */
    public ScriptedOrigin on(String path, int status, String body, String... headers) {
        return on(path, status, body.getBytes(StandardCharsets.UTF_8), 0, headers);
    }

    public ScriptedOrigin on(String path, int status, byte[] body, long delayMillis, String... headers) {
        Map<String, String> h = new java.util.LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.merge(headers[i], headers[i + 1], (a, b) -> a + "\n" + b); // a repeated name: one line each
        }
        answers.put(path, new Answer(status, h, body, delayMillis));
        return this;
    }

    /** Requests that reached this origin for a path. */
    public int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    /** The header fields of the last request for a path (names as the JDK server normalises them). */
    public Headers lastRequest(String path) {
        return lastRequest.get(path);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            lastRequest.put(path, ex.getRequestHeaders());
            ex.getRequestBody().readAllBytes();
            Answer a = answers.get(path);
            if (a == null) {
                a = new Answer(404, Map.of("Content-Type", "text/plain"), "not scripted\n".getBytes(), 0);
            }
            if (a.delayMillis() > 0) {
                Thread.sleep(a.delayMillis());
            }
            a.headers().forEach((k, v) -> {
                for (String line : v.split("\n")) {
                    ex.getResponseHeaders().add(k, line);
                }
            });
            boolean notModified = false;
            String etag = a.headers().get("ETag");
            String inm = ex.getRequestHeaders().getFirst("If-None-Match");
            String lastModified = a.headers().get("Last-Modified");
            String ims = ex.getRequestHeaders().getFirst("If-Modified-Since");
            if (inm != null && etag != null) {
                notModified = List.of(inm.split(",")).stream().map(String::trim).anyMatch(etag::equals);
            } else if (ims != null && lastModified != null) {
                notModified = ims.equals(lastModified);
            }
            boolean head = ex.getRequestMethod().equals("HEAD");
            if (notModified) {
                ex.sendResponseHeaders(304, -1);
                return;
            }
            boolean noBody = head || a.status() == 204 || a.status() == 304;
            ex.sendResponseHeaders(a.status(), noBody ? -1 : a.body().length == 0 ? -1 : a.body().length);
            if (!noBody && a.body().length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(a.body());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
