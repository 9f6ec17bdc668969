package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.breakwater.dataplane.proxyprotocol.TrustedSources;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.CompilerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ingress-nginx-world fixture served twice, each through its own real data plane in local mode: as it is (the
 * Ingresses, with {@code --also-serve-class nginx}) and as ingress2gateway v1.1.0 converted it (the committed
 * {@code src/test/resources/ingress2gateway-world}: its Gateways and HTTPRoutes, the project's GatewayClass
 * {@code nginx} for {@code breakwater.dev/gateway-controller}, and the same Services and EndpointSlices). The same
 * requests go to both with the JDK HttpClient and their answers are compared: status, backend reached, the URI and
 * forwarded headers the backend was sent, {@code Location}, {@code WWW-Authenticate}, the {@code Access-Control-*}
 * headers and the identity the authentication added.
 *
 * <p>Every annotation of the fixture's Ingresses is in {@link #ANNOTATIONS}: kept by the conversion, or dropped or
 * changed by it with the reason and what ingress2gateway's report says. Every request is in {@link #REQUESTS}: it
 * answers the same before and after, or it is an expected difference naming the annotation that causes it.
 */
class IngressNginxToGatewayApiTest {

    private static final Path CONVERTED = Path.of("src", "test", "resources", "ingress2gateway-world");
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** What the conversion did with one annotation of one Ingress. */
    enum Verdict { KEPT, DROPPED, CHANGED }

    /**
     * One annotation of one fixture Ingress ({@code namespace/name}), what the conversion did with it and why, and
     * the text of ingress2gateway's report that says so (null where the report says nothing).
     */
    record Annotation(String ingress, String key, Verdict verdict, String why, String reported) {
    }

    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    static final List<Annotation> ANNOTATIONS = List.of(
            new Annotation("default/shop", "kubernetes.io/ingress.class", Verdict.KEPT,
                    "the class becomes the Gateways' gatewayClassName nginx", null),
            new Annotation("default/shop-canary", "kubernetes.io/ingress.class", Verdict.KEPT,
                    "as for default/shop", null),
            new Annotation("default/shop-canary", NGINX + "canary", Verdict.KEPT,
                    "the canary's backend joins the main rule's backendRefs", null),
            new Annotation("default/shop-canary", NGINX + "canary-by-header", Verdict.KEPT,
                    "a rule matching X-Canary: always (canary) and one matching never (main backend)", null),
            new Annotation("default/shop-canary", NGINX + "canary-weight", Verdict.KEPT,
                    "backendRef weights 0 (canary) and 100", null),
            new Annotation("default/api", NGINX + "use-regex", Verdict.KEPT,
                    "a RegularExpression path match, case-insensitive as nginx's ~* location",
                    "Using case-insensitive regex path matches"),
            new Annotation("default/api", NGINX + "rewrite-target", Verdict.CHANGED,
                    "/$2 becomes URLRewrite ReplaceFullPath /$2, a literal path: v1.1.0 only sees capture-group"
                            + " references written \\$ (rewrite.go), and Gateway API has no capture groups", null),
            new Annotation("kubernetes-dashboard/kubernetes-dashboard", NGINX + "auth-url", Verdict.DROPPED,
                    "no external authentication in Gateway API's standard channel: the dashboard is open",
                    "Unsupported annotation " + NGINX + "auth-url"),
            new Annotation("kubernetes-dashboard/kubernetes-dashboard", NGINX + "auth-signin", Verdict.DROPPED,
                    "no sign-in redirect without external authentication",
                    "Unsupported annotation " + NGINX + "auth-signin"),
            new Annotation("kubernetes-dashboard/kubernetes-dashboard", NGINX + "auth-response-headers",
                    Verdict.DROPPED, "the backend gets no X-Auth-Request-User",
                    "Unsupported annotation " + NGINX + "auth-response-headers"),
            new Annotation("tools/admin", NGINX + "auth-type", Verdict.DROPPED,
                    "no Basic authentication in Gateway API: the admin is open",
                    "Unsupported annotation " + NGINX + "auth-type"),
            new Annotation("tools/admin", NGINX + "auth-secret", Verdict.DROPPED, "as auth-type",
                    "Unsupported annotation " + NGINX + "auth-secret"),
            new Annotation("tools/admin", NGINX + "auth-realm", Verdict.DROPPED,
                    "no WWW-Authenticate challenge", "Unsupported annotation " + NGINX + "auth-realm"),
            new Annotation("tools/admin", NGINX + "whitelist-source-range", Verdict.DROPPED,
                    "no source allowlist in Gateway API: clients outside 127.0.0.0/8 and 10.0.0.0/8 are served",
                    "whitelist-source-range\" from tools/admin: IP-based authorization is not supported"),
            new Annotation("default/web", NGINX + "custom-http-errors", Verdict.DROPPED,
                    "the backend's own 404 and 503 reach the client",
                    "Unsupported annotation " + NGINX + "custom-http-errors"),
            new Annotation("default/web", NGINX + "default-backend", Verdict.DROPPED,
                    "the custom-errors backend is not used", "Unsupported annotation " + NGINX + "default-backend"),
            new Annotation("default/fonts", NGINX + "enable-cors", Verdict.KEPT,
                    "a CORS filter, with ingress-nginx's default allowed headers and credentials", null),
            new Annotation("default/fonts", NGINX + "cors-allow-origin", Verdict.KEPT, "its allowOrigins", null),
            new Annotation("default/fonts", NGINX + "cors-allow-methods", Verdict.KEPT, "its allowMethods", null),
            new Annotation("default/fonts", NGINX + "cors-max-age", Verdict.KEPT, "its maxAge", null));

    /** What a client sees of an answer: the status, the headers that matter, and what the backend was sent. */
    record Answer(int status, String backend, String uri, String location, String wwwAuthenticate,
                  String authUser, Map<String, String> cors) {

        Answer(int status, String backend, String uri, String location, String wwwAuthenticate, String authUser) {
            this(status, backend, uri, location, wwwAuthenticate, authUser, Map.of());
        }

        static Answer ok(String backend, String uri) {
            return new Answer(200, backend, uri, null, null, null);
        }

        static Answer status(int status, String backend, String uri) {
            return new Answer(status, backend, uri, null, null, null);
        }

        Answer withAuthUser(String user) {
            return new Answer(status, backend, uri, location, wwwAuthenticate, user, cors);
        }

        /** The same answer with these {@code Access-Control-*} headers (name without the prefix, value pairs). */
        Answer withCors(String... pairs) {
            Map<String, String> m = new TreeMap<>();
            for (int i = 0; i < pairs.length; i += 2) {
                m.put(pairs[i], pairs[i + 1]);
            }
            return new Answer(status, backend, uri, location, wwwAuthenticate, authUser, m);
        }
    }

    /**
     * One request and what it gets from the original ({@code before}) and the converted ({@code after}) folder.
     * {@code because} is empty where the two must be equal, else the annotations (in {@link #ANNOTATIONS}) whose
     * conversion makes them differ.
     */
    record Request(String method, String host, String path, List<String> headers, Answer before, Answer after,
                   List<String> because) {

        @Override
        public String toString() {
            return (method.equals("GET") ? "" : method + " ") + host + path + (headers.isEmpty() ? "" : " " + headers)
                    + (because.isEmpty() ? " (same)" : " (differs: " + String.join(", ", because) + ")");
        }
    }

    private static Request same(Answer both, String host, String path, String... headers) {
        return new Request("GET", host, path, List.of(headers), both, both, List.of());
    }

    private static Request sameOptions(Answer both, String host, String path, String... headers) {
        return new Request("OPTIONS", host, path, List.of(headers), both, both, List.of());
    }

    private static Request differs(List<String> because, Answer before, Answer after, String host, String path,
                                   String... headers) {
        return new Request("GET", host, path, List.of(headers), before, after, because.stream().map(k -> NGINX + k)
                .toList());
    }

    private static final String ADMIN = IngressNginxWorld.basic("admin", "harbour-pilot");
    private static final String WRONG = IngressNginxWorld.basic("admin", "guess");
    private static final String REALM = "Basic realm=\"Authentication Required - admin\"";
    private static final Answer REFUSED = new Answer(401, null, null, null, REALM, null);
    private static final List<String> BASIC_AUTH = List.of("auth-type", "auth-secret", "auth-realm");
    private static final String SHOP = "https://shop.example.com";
    private static final String CORS_HEADERS = "DNT, Keep-Alive, User-Agent, X-Requested-With, If-Modified-Since, "
            + "Cache-Control, Content-Type, Range, Authorization";

    static final List<Request> REQUESTS = List.of(
            // the canary: by header, then by weight (0)
            same(Answer.ok("shop-v2", "/cart"), "shop.example.com", "/cart", "X-Canary", "always"),
            same(Answer.ok("app", "/cart"), "shop.example.com", "/cart", "X-Canary", "never"),
            same(Answer.ok("app", "/cart"), "shop.example.com", "/cart", "X-Canary", "sometimes"),
            same(Answer.ok("app", "/cart"), "shop.example.com", "/cart"),
            // the regex match: case-insensitive in both, nothing else taken
            same(Answer.status(404, null, null), "api.example.com", "/apix"),
            same(Answer.status(404, null, null), "unknown.example.com", "/"),
            differs(List.of("rewrite-target"), Answer.ok("app", "/users"), Answer.ok("app", "/$2"),
                    "api.example.com", "/API/users"),
            differs(List.of("rewrite-target"), Answer.ok("app", "/users/7?full=1"), Answer.ok("app", "/$2?full=1"),
                    "api.example.com", "/api/users/7?full=1"),
            differs(List.of("rewrite-target"), Answer.ok("app", "/"), Answer.ok("app", "/$2"),
                    "api.example.com", "/api"),
            // the dashboard behind oauth2-proxy
            differs(List.of("auth-response-headers"), Answer.ok("app", "/").withAuthUser("carol"),
                    Answer.ok("app", "/"), "dashboard.example.com", "/", "Cookie", "_oauth2_proxy=valid-carol"),
            differs(List.of("auth-url", "auth-signin"), new Answer(302, null, null,
                            "https://dashboard.example.com/oauth2/start?rd=%2Fapi%2Fv1%2Fnamespaces", null, null),
                    Answer.ok("app", "/api/v1/namespaces"), "dashboard.example.com", "/api/v1/namespaces"),
            // the Basic-authentication admin
            same(Answer.ok("app", "/"), "admin.example.com", "/", "Authorization", ADMIN),
            differs(BASIC_AUTH, REFUSED, Answer.ok("app", "/"), "admin.example.com", "/", "Authorization", WRONG),
            differs(BASIC_AUTH, REFUSED, Answer.ok("app", "/"), "admin.example.com", "/"),
            // custom error pages: the original sends a 404 or 503 of web to custom-errors (as GET /, the code in
            // X-Code, see IngressNginxWorldTest), whose own answer the client gets: this test backend's 200
            same(Answer.ok("app", "/"), "www.example.com", "/"),
            same(Answer.status(500, "app", "/status/500"), "www.example.com", "/status/500", "Accept", "text/html"),
            differs(List.of("custom-http-errors", "default-backend"), Answer.ok("custom-errors", "/"),
                    Answer.status(404, "app", "/status/404"), "www.example.com", "/status/404", "Accept",
                    "text/html"),
            differs(List.of("custom-http-errors", "default-backend"), Answer.ok("custom-errors", "/"),
                    Answer.status(503, "app", "/status/503"), "www.example.com", "/status/503", "Accept",
                    "text/html"),
            // CORS for the fonts: a preflight answered by the proxy, the origin allowed on answers, others not
            sameOptions(Answer.status(204, null, null).withCors("allow-origin", SHOP, "allow-methods", "GET, OPTIONS",
                            "allow-headers", CORS_HEADERS, "allow-credentials", "true", "max-age", "600"),
                    "fonts.example.com", "/inter.woff2", "Origin", SHOP, "Access-Control-Request-Method", "GET"),
            same(Answer.ok("app", "/inter.woff2").withCors("allow-origin", SHOP, "allow-credentials", "true"),
                    "fonts.example.com", "/inter.woff2", "Origin", SHOP),
            same(Answer.ok("app", "/inter.woff2"), "fonts.example.com", "/inter.woff2", "Origin",
                    "https://elsewhere.example.net"),
            same(Answer.ok("app", "/inter.woff2"), "fonts.example.com", "/inter.woff2"));

    @TempDir
    static Path dir;
    private static IngressNginxWorld world;
    private static IngressNginxWorld.Served original;
    private static IngressNginxWorld.Served converted;

    @BeforeAll
    static void start() throws Exception {
        Path originalDir = Files.createDirectory(dir.resolve("original"));
        Path convertedDir = Files.createDirectory(dir.resolve("converted"));
        world = IngressNginxWorld.start().copy(IngressNginxWorld.FIXTURES, originalDir)
                .copy(IngressNginxWorld.FIXTURES.resolve("services.yaml"), convertedDir).copy(CONVERTED, convertedDir);
        original = IngressNginxWorld.serve(originalDir, CompilerOptions.local().alsoServing(List.of("nginx")));
        converted = IngressNginxWorld.serve(convertedDir, CompilerOptions.local());
    }

    @AfterAll
    static void stop() throws Exception {
        converted.close();
        original.close();
        world.close();
    }

    /** The answer and the forwarded headers the backend was sent (the proxy's own port written as PORT). */
    private record Seen(Answer answer, Map<String, String> forwarded) {
    }

    private static Seen send(IngressNginxWorld.Served served, Request r) throws Exception {
        HttpResponse<String> response = served.send(r.method(), r.host(), r.path(),
                r.headers().toArray(String[]::new));
        Map<String, String> sent = TestBackend.parse(response.body());
        Map<String, String> cors = new TreeMap<>();
        response.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("access-control-")) {
                cors.put(lower.substring("access-control-".length()), String.join(",", values));
            }
        });
        Answer answer = new Answer(response.statusCode(), response.headers().firstValue("x-backend").orElse(null),
                sent.get("uri"), response.headers().firstValue("location").orElse(null),
                response.headers().firstValue("www-authenticate").orElse(null),
                sent.get("header.x-auth-request-user"), cors);
        Map<String, String> forwarded = new TreeMap<>();
        String port = String.valueOf(served.proxy().httpPort());
        for (String name : List.of("host", "x-forwarded-for", "x-forwarded-host", "x-forwarded-port",
                "x-forwarded-proto", "x-real-ip")) {
            Optional.ofNullable(sent.get("header." + name)).map(v -> v.replace(port, "PORT"))
                    .ifPresent(v -> forwarded.put(name, v));
        }
        forwarded.put("x-request-id present", String.valueOf(sent.containsKey("header.x-request-id")));
        return new Seen(answer, forwarded);
    }

    static List<Request> requests() {
        return REQUESTS;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void eachRequestIsAnsweredAsBeforeOrDiffersForItsAnnotation(Request r) throws Exception {
        Seen before = send(original, r);
        Seen after = send(converted, r);

        assertThat(before.answer()).as("the Ingresses").isEqualTo(r.before());
        assertThat(after.answer()).as("the converted Gateway API objects").isEqualTo(r.after());
        for (String key : r.because()) {
            assertThat(ANNOTATIONS).as("%s, which a difference names, is dropped or changed", key)
                    .anyMatch(a -> a.key().equals(key) && a.verdict() != Verdict.KEPT);
        }
        if (before.answer().backend() != null && after.answer().backend() != null) {
            assertThat(after.forwarded()).as("the forwarded headers the backend was sent")
                    .isEqualTo(before.forwarded()).containsKeys("host", "x-forwarded-for", "x-forwarded-proto");
        }
    }

    @Test
    void bothFoldersAreServedWithoutAComplaint() {
        assertThat(original.loaded().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(original.loaded().messages()).isEmpty();
        assertThat(converted.loaded().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(converted.loaded().messages()).isEmpty();
    }

    @Test
    void everyAnnotationOfTheFixtureIsAccountedFor() throws Exception {
        TreeSet<String> inFixture = new TreeSet<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (Stream<Path> files = Files.list(IngressNginxWorld.FIXTURES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(f.toFile())) {
                    for (JsonNode doc : docs.readAll()) {
                        if (!"Ingress".equals(doc.path("kind").asText())) {
                            continue;
                        }
                        JsonNode meta = doc.path("metadata");
                        String ingress = meta.path("namespace").asText() + "/" + meta.path("name").asText();
                        meta.path("annotations").fieldNames().forEachRemaining(k -> inFixture.add(ingress + " " + k));
                    }
                }
            }
        }
        TreeSet<String> listed = new TreeSet<>();
        ANNOTATIONS.forEach(a -> listed.add(a.ingress() + " " + a.key()));

        assertThat(listed).as("ANNOTATIONS lists the fixture's annotations, no more, no less").isEqualTo(inFixture);
    }

    @Test
    void ingress2gatewaysReportSaysWhatItDroppedAndNothingOfTheRewrite() throws Exception {
        String report = Files.readString(CONVERTED.resolve("notifications.txt"));
        List<String> unreported = new ArrayList<>();
        for (Annotation a : ANNOTATIONS) {
            if (a.reported() != null) {
                assertThat(report).as("%s on %s", a.key(), a.ingress()).contains(a.reported());
            } else {
                unreported.add(a.key());
            }
        }
        assertThat(report).doesNotContain("rewrite-target").doesNotContain("canary");
        assertThat(unreported).contains(NGINX + "rewrite-target");
    }

    @Test
    void everyDroppedOrChangedAnnotationIsShownByARequest() {
        for (Annotation a : ANNOTATIONS) {
            if (a.verdict() == Verdict.KEPT || a.key().equals(NGINX + "whitelist-source-range")) {
                continue; // the allowlist: theAdminLosesItsSourceAllowlist
            }
            assertThat(REQUESTS).as("%s on %s is shown by a request", a.key(), a.ingress())
                    .anyMatch(r -> r.because().contains(a.key()));
        }
    }

    /**
     * The allowlist only shows for clients outside 127.0.0.0/8 and 10.0.0.0/8: both folders served again by data
     * planes that take a PROXY protocol header from 127.0.0.1, and a raw request whose header says it comes from
     * 203.0.113.9 is refused by the original and served by the converted folder; one from 10.1.2.3 is served by
     * both. The converted table carries no allowlist at all.
     */
    @Test
    void theAdminLosesItsSourceAllowlist() throws Exception {
        Path originalDir = dir.resolve("original");
        Path convertedDir = dir.resolve("converted");
        TrustedSources local = TrustedSources.parse(List.of("127.0.0.1/32"));
        try (IngressNginxWorld.Served before = IngressNginxWorld.serve(originalDir,
                CompilerOptions.local().alsoServing(List.of("nginx")), local);
             IngressNginxWorld.Served after = IngressNginxWorld.serve(convertedDir, CompilerOptions.local(), local)) {
            assertThat(statusLine(before, "203.0.113.9")).isEqualTo("HTTP/1.1 403 Forbidden");
            assertThat(statusLine(after, "203.0.113.9")).isEqualTo("HTTP/1.1 200 OK");
            assertThat(statusLine(before, "10.1.2.3")).isEqualTo("HTTP/1.1 200 OK");
            assertThat(statusLine(after, "10.1.2.3")).isEqualTo("HTTP/1.1 200 OK");
        }
        assertThat(table(original)).contains("\"127.0.0.0/8\"", "\"10.0.0.0/8\"");
        assertThat(table(converted)).doesNotContain("\"127.0.0.0/8\"").doesNotContain("\"10.0.0.0/8\"");
    }

    private static String table(IngressNginxWorld.Served served) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + served.proxy().adminPort()
                + "/table")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The status line of the admin's answer to a raw request from {@code client}, as a PROXY v1 header says. */
    private static String statusLine(IngressNginxWorld.Served served, String client) throws IOException {
        int port = served.proxy().httpPort();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("PROXY TCP4 " + client + " 127.0.0.1 40000 " + port + "\r\n"
                    + "GET / HTTP/1.1\r\nHost: admin.example.com\r\nAuthorization: " + ADMIN
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return answer.substring(0, Math.max(0, answer.indexOf("\r\n")));
        }
    }
}
