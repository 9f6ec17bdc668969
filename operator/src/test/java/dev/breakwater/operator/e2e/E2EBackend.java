package dev.breakwater.operator.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on 127.0.0.1 (the JDK's HTTP server) that the EndpointSlices of the scenarios point at. Every answer
 * carries {@code X-Backend: NAME}; {@code /hold} is answered only once {@link #release()} is called (at most 60 s
 * later), so that a test can keep requests in flight for as long as it needs.
 */
final class E2EBackend implements AutoCloseable {

    static {
        // the JDK's HTTP server writes a response's head and body separately; without TCP_NODELAY Nagle holds the
        // body until the proxy's delayed ACK (40 ms) for every request. Read once, when its first server starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "e2e-backend");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(1);

    private E2EBackend(String name, HttpServer server) {
        this.name = name;
        this.server = server;
    }

    static E2EBackend start(String name) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            E2EBackend backend = new E2EBackend(name, server);
            server.createContext("/", backend::handle);
            server.setExecutor(backend.executor);
            server.start();
            return backend;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start backend " + name, e);
        }
    }

    String name() {
        return name;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Requests received so far (counted when they arrive). */
    int requests() {
        return requests.get();
    }

    /** {@code /hold} requests waiting now. */
    int held() {
        return held.get();
    }

    /** Lets every waiting {@code /hold} request be answered; later ones wait again. */
    void release() {
        CountDownLatch open = gate;
        gate = new CountDownLatch(1);
        open.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String body = "backend=" + name + "\npath=" + exchange.getRequestURI() + "\n";
            if (exchange.getRequestURI().getPath().equals("/hold")) {
                CountDownLatch waitFor = gate;
                held.incrementAndGet();
                try {
                    if (!waitFor.await(60, TimeUnit.SECONDS)) {
                        body += "held for 60 s, never released\n";
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    held.decrementAndGet();
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("X-Backend", name);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return name + "@127.0.0.1:" + port();
    }
}
