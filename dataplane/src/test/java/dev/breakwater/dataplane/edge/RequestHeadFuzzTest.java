package dev.breakwater.dataplane.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.dataplane.request.Authority;
import dev.breakwater.dataplane.request.PathNormalizer;
import dev.breakwater.dataplane.request.PathPolicy;
import dev.breakwater.dataplane.testing.H2Client;
import dev.breakwater.dataplane.testing.RawBackend;
import dev.breakwater.dataplane.testing.Tables;
import dev.breakwater.routing.Endpoint;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A seeded generator of mutated request heads (bytes inserted, deleted, replaced and repeated from an alphabet of
 * the characters and fragments that matter at the edge) thrown at a real proxy in front of a recording endpoint. It
 * checks that the proxy keeps serving, logs no warning or error, leaks no buffer (the leak detector is paranoid), and
 * that every request the endpoint received is one a strict HTTP/1.1 parser accepts: origin-form target with a
 * normalised path, one valid Host, unambiguous framing, no hop-by-hop or forbidden header. The number of cases is
 * {@code -Dbreakwater.fuzz.cases} (default 5000; HTTP/2 runs a fifth of that) and the seed {@code -Dbreakwater.fuzz.seed}, printed on failure.
 */
class RequestHeadFuzzTest {

    private static final String[] SEEDS = {
        "GET /public/a?b=c HTTP/1.1\r\nHost: app.test\r\nAccept: */*\r\n\r\n",
        "POST /upload HTTP/1.1\r\nHost: app.test\r\nContent-Length: 5\r\n\r\nhello",
        "POST /c HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "GET http://app.test/x/../y HTTP/1.1\r\nHost: other.test\r\n\r\n",
        "GET /a%2e%2e/b HTTP/1.1\r\nHost: app.test:8080\r\nConnection: keep-alive, x-a\r\nX-A: 1\r\n\r\n",
        "HEAD / HTTP/1.0\r\n\r\n",
        "OPTIONS /x HTTP/1.1\r\nHost: [::1]:80\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        "DELETE /r?x=%41 HTTP/1.1\r\nHost: app.test\r\nCookie: a=b\r\nProxy: http://evil\r\n\r\n",
    };

    private static final String[] FRAGMENTS = {
        "%", "%2e", "%2E", "%2f", "%2F", "%5c", "%00", "%zz", "%41", ".", "..", "/", "//", "\\", "#", "?", "@", ":",
        " ", "\t", "\r", "\n", "\r\n", "\u0000", "\u0080", "\u00ff", "0", "9", "a", "Z", ",", ";", "\"", "<", "{",
        "Host: ", "Host: other.test\r\n", "Content-Length: ", "Content-Length: 3\r\n", "Transfer-Encoding: chunked\r\n",
        "Transfer-Encoding: identity\r\n", "Connection: content-length\r\n", "Connection: host\r\n",
        "Connection: close\r\n", "Expect: 100-continue\r\n", "X-Forwarded-For: 6.6.6.6\r\n", "Proxy: x\r\n",
        "x-http2-path: /admin\r\n", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "GET ", "http://", "HTTP://", "user@",
    };

    @Test
    void mutatedRequestHeadsNeverGetPastTheEdgeMalformed() throws Exception {
        long seed = Long.getLong("breakwater.fuzz.seed", 20261201L);
        int cases = Integer.getInteger("breakwater.fuzz.cases", 5000);
        Random random = new Random(seed);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream err = System.err;
        try (RawBackend backend = RawBackend.start();
             DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(2)
                     .config(ProxyConfig.defaults().withRequestHeaderTimeout(Duration.ofSeconds(1))
                             .withResponseTimeout(Duration.ofSeconds(1)))
                     .build().start()) {
            proxy.apply(Tables.builder().cluster("raw", Endpoint.ready("127.0.0.1", backend.port()))
                    .prefix("app.test", "/", "raw").prefix("other.test", "/", "raw").prefix("[::1]", "/", "raw")
                    .build());
            System.setErr(new PrintStream(new TeeStream(err, log), true, StandardCharsets.UTF_8));
            Set<Integer> statuses = new HashSet<>();
            Map<Integer, Integer> byStatus = new TreeMap<>();
            for (int i = 0; i < cases; i++) {
                String head = mutate(SEEDS[random.nextInt(SEEDS.length)], random);
                int status = exchange(proxy.httpPort(), head);
                statuses.add(status);
                byStatus.merge(status, 1, Integer::sum);
                if (i % 250 == 0) {
                    assertThat(exchange(proxy.httpPort(), SEEDS[0])).as("still serving after case %d (seed %d)", i, seed)
                            .isEqualTo(200);
                }
            }
            int http1Forwarded = backend.received().size();
            H2Client h2 = new H2Client(proxy.httpsPort(), "app.test");
            try {
                for (int i = 0; i < cases / 5; i++) {
                    if (!h2.isOpen()) {
                        // the proxy closed the connection (GOAWAY ENHANCE_YOUR_CALM): it had reset 200 malformed
                        // streams within 30 s, the codec's limit on resets it sends; a new connection for the rest
                        h2.close();
                        byStatus.merge(997, 1, Integer::sum);
                        h2 = new H2Client(proxy.httpsPort(), "app.test");
                    }
                    Map.Entry<Integer, String> a = http2Case(h2, random);
                    byStatus.merge(1000 + a.getKey(), 1, Integer::sum);
                }
                h2.close();
                h2 = new H2Client(proxy.httpsPort(), "app.test");
                assertThat(h2.send(new DefaultHttp2Headers().method("GET").path("/").scheme("https")
                        .authority("app.test"), null).status()).isEqualTo(200);
            } finally {
                h2.close();
            }
            assertThat(exchange(proxy.httpPort(), SEEDS[0])).isEqualTo(200);
            System.setErr(err);
            System.out.printf("fuzz seed %d: %d HTTP/1.1 and %d HTTP/2 cases; answers by status (HTTP/2 as 1000+status, 999 reset, 997 connection closed): %s;"
                    + " forwarded %d (HTTP/1.1) + %d (HTTP/2)%n", seed, cases, cases / 5, byStatus, http1Forwarded,
                    backend.received().size() - http1Forwarded);
            List<String> violations = new ArrayList<>();
            for (RawBackend.Received r : backend.received()) {
                String why = strictParserRefuses(r);
                if (why != null) {
                    violations.add(why + ": " + r.requestLine() + " " + r.headerLines());
                }
            }
            assertThat(backend.unreadable()).as("heads the endpoint could not read (seed %d)", seed).isEmpty();
            assertThat(violations).as("forwarded heads a strict parser refuses (seed %d)", seed).isEmpty();
            assertThat(backend.received().size()).as("some mutations are still valid requests").isGreaterThan(cases / 20);
            assertThat(statuses).as("and some are refused").contains(400);
        } finally {
            System.setErr(err);
        }
        String output = log.toString(StandardCharsets.UTF_8);
        assertThat(output.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")
                || l.contains("Exception")).toList()).as("warnings, errors or exceptions logged (seed %d)", seed).isEmpty();
    }

    private static final String[] PATHS = {"/public/a?b=c", "/x/../y", "/a%2e%2e/b", "/r?x=%41", "/", "/%61dmin"};
    private static final String[] AUTHORITIES = {"app.test", "app.test:8443", "other.test", "[::1]"};

    /** One HTTP/2 request with a mutated :path, :authority, host and an extra header; its status (-1 reset). */
    private static Map.Entry<Integer, String> http2Case(H2Client h2, Random random) throws Exception {
        String path = mutate(PATHS[random.nextInt(PATHS.length)], random).replace("\r", "").replace("\n", "");
        String authority = mutate(AUTHORITIES[random.nextInt(AUTHORITIES.length)], random).replace("\r", "")
                .replace("\n", "");
        Http2Headers head = new DefaultHttp2Headers(false).method(random.nextInt(8) == 0 ? "GeT" : "GET")
                .path(path).scheme("https").authority(authority);
        if (random.nextBoolean()) {
            head.add("host", random.nextBoolean() ? authority : "other.test");
        }
        if (random.nextInt(4) == 0) {
            head.add(FRAGMENTS[random.nextInt(FRAGMENTS.length)].toLowerCase(Locale.ROOT).replaceAll("[^a-z-]", ""),
                    "v");
        }
        try {
            H2Client.Answer a = h2.send(head, null);
            return Map.entry(a.status(), path);
        } catch (java.util.concurrent.ExecutionException | IllegalStateException
                 | java.nio.channels.ClosedChannelException e) {
            return Map.entry(-1, path);
        }
    }

    private static String mutate(String seed, Random random) {
        StringBuilder s = new StringBuilder(seed);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(s.length() + 1);
            String fragment = FRAGMENTS[random.nextInt(FRAGMENTS.length)];
            switch (random.nextInt(5)) {
                case 0 -> s.insert(at, fragment);
                case 1 -> {
                    int end = Math.min(s.length(), at + 1 + random.nextInt(4));
                    if (at < end) {
                        s.delete(at, end);
                    }
                }
                case 2 -> {
                    int end = Math.min(s.length(), at + fragment.length());
                    s.replace(Math.min(at, s.length()), end, fragment);
                }
                case 3 -> {
                    // repeat a whole header line
                    int line = s.indexOf("\r\n");
                    int next = line < 0 ? -1 : s.indexOf("\r\n", line + 2);
                    if (next > line) {
                        s.insert(next + 2, s.substring(line + 2, next + 2));
                    }
                }
                default -> {
                    if (at < s.length()) {
                        char c = s.charAt(at);
                        s.setCharAt(at, Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
                    }
                }
            }
        }
        return s.toString();
    }

    /** Sends the head (then two CRLFs, so that a head cut short still ends) and returns the status, or -1. */
    private static int exchange(int port, String head) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(400);
            s.getOutputStream().write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] line = new byte[12];
            int n = in.readNBytes(line, 0, 12);
            if (n < 12) {
                return -1;
            }
            String status = new String(line, StandardCharsets.ISO_8859_1);
            return status.startsWith("HTTP/1.") ? Integer.parseInt(status.substring(9, 12)) : -2;
        } catch (SocketTimeoutException | java.net.SocketException e) {
            return -1;
        }
    }

    /** Why a strict HTTP/1.1 parser (and this edge's contract) would refuse what the endpoint received; null if not. */
    static String strictParserRefuses(RawBackend.Received r) {
        String[] parts = r.requestLine().split(" ", -1);
        if (parts.length != 3 || !parts[2].equals("HTTP/1.1") || !parts[0].matches("[A-Z_-]{1,32}")) {
            return "request line";
        }
        String target = parts[1];
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        try {
            if (!PathNormalizer.normalize(path, PathPolicy.DEFAULT).equals(path)) {
                return "path not normalised";
            }
            if (q >= 0 && !PathNormalizer.normalizeQuery(target.substring(q + 1)).equals(target.substring(q + 1))) {
                return "query not normalised";
            }
        } catch (Exception e) {
            return "target refused: " + e.getMessage();
        }
        List<String> hosts = r.headers("host");
        if (hosts.size() != 1 || !Authority.valid(hosts.get(0))) {
            return "host";
        }
        int lengths = r.headers("content-length").size();
        int encodings = r.headers("transfer-encoding").size();
        if (lengths > 1 || lengths == 1 && encodings > 0) {
            return "ambiguous framing";
        }
        if (lengths == 1 && !r.headers("content-length").get(0).matches("[0-9]+")) {
            return "content-length";
        }
        if (encodings > 0 && !r.headers("transfer-encoding").get(encodings - 1).toLowerCase(Locale.ROOT).endsWith("chunked")) {
            return "transfer-encoding";
        }
        for (String name : new String[] {"keep-alive", "proxy-connection", "proxy", "trailer"}) {
            if (!r.headers(name).isEmpty()) {
                return "hop-by-hop or forbidden header " + name;
            }
        }
        // the only Connection header forwarded is the proxy's own, for a WebSocket upgrade
        List<String> connection = r.headers("connection");
        boolean upgrade = connection.size() == 1 && connection.get(0).equalsIgnoreCase("upgrade")
                && "websocket".equalsIgnoreCase(r.header("upgrade"));
        if (!connection.isEmpty() && !upgrade || !r.headers("upgrade").isEmpty() && !upgrade) {
            return "connection or upgrade header";
        }
        if (r.headerLines().size() > 100 + 10) {
            return "too many headers";
        }
        for (String line : r.headerLines()) {
            int colon = line.indexOf(':');
            if (colon <= 0 || !line.substring(0, colon).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                return "header name";
            }
            if (line.toLowerCase(Locale.ROOT).startsWith("x-http2-")) {
                return "x-http2 header";
            }
            for (char c : line.toCharArray()) {
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    return "control character in a header";
                }
            }
        }
        return null;
    }

    /** Writes to two streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
