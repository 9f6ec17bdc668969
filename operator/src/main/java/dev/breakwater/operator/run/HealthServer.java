package dev.breakwater.operator.run;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operator's probes and meters: {@code /metrics} (Prometheus text, when the operator has meters),
 * {@code /healthz} (200 while the process runs) and {@code /readyz} (200 once every
 * informer has synced, on standbys too: readiness does not mean leadership, see {@code LeaderEndpoint}); the
 * body says whether this replica leads and which table it published last.
 */
final class HealthServer implements AutoCloseable {

    private final HttpServer server;

    HealthServer(String bind, int port, Supplier<Boolean> ready, Supplier<String> state) throws IOException {
        this(bind, port, ready, state, null);
    }

    /** @param metrics the Prometheus text served on {@code /metrics}, or null for no such path */
    HealthServer(String bind, int port, Supplier<Boolean> ready, Supplier<String> state, Supplier<String> metrics)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        if (metrics != null) {
            server.createContext("/metrics", exchange -> {
                byte[] bytes = metrics.get().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
        }
        server.createContext("/healthz", exchange -> answer(exchange, 200, "ok\n"));
        server.createContext("/readyz", exchange -> {
            boolean ok = ready.get();
            answer(exchange, ok ? 200 : 503, (ok ? "ready: " : "not ready: ") + state.get() + "\n");
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "breakwater-health");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
