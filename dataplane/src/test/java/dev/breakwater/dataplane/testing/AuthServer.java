package dev.breakwater.dataplane.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real authentication service on 127.0.0.1 with oauth2-proxy's {@code /oauth2/auth} contract (the JDK's HTTP
 * server): a request whose cookie {@code _oauth2_proxy} is {@code valid-USER} gets 202 with
 * {@code X-Auth-Request-User: USER}, {@code X-Auth-Request-Email: USER@example.com} and a refreshed cookie; without
 * it, 401. Also {@code /forbid} (403), {@code /broken} (502), {@code /slow} (answers after 3 s). Every request it
 * received is kept, with the client port it came from (to count connections).
 */
public final class AuthServer implements AutoCloseable {

    /** One request the service received. */
    public record Seen(String method, String uri, Map<String, String> headers, int bodyBytes, int clientPort) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Set<Integer> ports = ConcurrentHashMap.newKeySet();

    private AuthServer(HttpServer server) {
        this.server = server;
    }

    public static AuthServer start() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            AuthServer a = new AuthServer(s);
            s.createContext("/", a::handle);
            s.setExecutor(a.executor);
            s.start();
            return a;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The URL of one of its paths. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** The requests received so far. */
    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** How many connections the requests came on. */
    public int connections() {
        return ports.size();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            int body = ex.getRequestBody().readAllBytes().length;
            Map<String, String> headers = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(), headers, body,
                    ex.getRemoteAddress().getPort()));
            ports.add(ex.getRemoteAddress().getPort());
            String path = ex.getRequestURI().getPath();
            switch (path) {
                case "/forbid" -> answer(ex, 403);
                case "/broken" -> answer(ex, 502);
                case "/slow" -> {
                    try {
                        Thread.sleep(3000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    answer(ex, 202);
                }
                default -> {
                    String user = user(headers.get("cookie"));
                    if (user == null) {
                        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"test\"");
                        answer(ex, 401);
                        return;
                    }
                    ex.getResponseHeaders().set("X-Auth-Request-User", user);
                    ex.getResponseHeaders().set("X-Auth-Request-Email", user + "@example.com");
                    ex.getResponseHeaders().add("Set-Cookie", "_oauth2_proxy=valid-" + user + "; Path=/; HttpOnly");
                    answer(ex, 202);
                }
            }
        }
    }

    private static String user(String cookies) {
        if (cookies == null) {
            return null;
        }
        for (String c : cookies.split("[;,]")) {
            String t = c.trim();
            if (t.startsWith("_oauth2_proxy=valid-")) {
                return t.substring("_oauth2_proxy=valid-".length());
            }
        }
        return null;
    }

    private static void answer(HttpExchange ex, int status) throws IOException {
        ex.sendResponseHeaders(status, -1);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
