package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.AuthServer;
import dev.breakwater.dataplane.testing.Blackhole;
import dev.breakwater.dataplane.testing.RawHttp;
import dev.breakwater.dataplane.testing.TestBackend;
import dev.breakwater.operator.compile.CompilerOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingress-nginx annotations of routing, redirects, mirroring and authentication through a real data plane (local
 * mode, {@code --also-serve-class nginx}) and real clients: {@code temporal-redirect-code}, {@code upstream-hash-by}
 * (the same key on the same one of three endpoints), {@code load-balance: round_robin} (each endpoint in turn),
 * {@code proxy-connect-timeout} (an endpoint that takes no connection given up after it), {@code force-ssl-redirect},
 * {@code canary-weight-total}, {@code canary-by-cookie}, {@code canary-by-header-value} and
 * {@code canary-by-header-pattern}, {@code mirror-host} (the Host a
 * real mirror receives), {@code auth-secret-type: auth-map}, {@code auth-signin-redirect-param},
 * {@code auth-keepalive-share-vars} and {@code proxy-request-buffering} (both read and warned: what the service and
 * the backend receive is what the warnings say).
 */
class IngressNginxRoutingAnnotationsThroughProxyTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path dir;
    private static TestBackend app;
    private static TestBackend canary;
    private static final TestBackend[] POOL = new TestBackend[3];
    private static AuthServer auth;
    private static AuthServer mirror;
    private static Blackhole hole;
    private static IngressNginxWorld.Served served;

    @BeforeAll
    static void start() throws Exception {
        app = TestBackend.start("app");
        canary = TestBackend.start("canary");
        for (int i = 0; i < POOL.length; i++) {
            POOL[i] = TestBackend.start("pool-" + i);
        }
        auth = AuthServer.start();
        mirror = AuthServer.start();
        hole = Blackhole.open();
        StringBuilder yaml = new StringBuilder(LocalManifests.service("app", app.port()));
        yaml.append("---\n").append(LocalManifests.service("canary", canary.port()));
        yaml.append("---\n").append(LocalManifests.service("mirror", mirror.port()));
        yaml.append("---\n").append(LocalManifests.service("pool", POOL[0].port()));
        yaml.append("---\n").append(LocalManifests.service("hole", hole.port()));
        for (int i = 1; i < POOL.length; i++) {
            yaml.append("""
                    ---
                    apiVersion: discovery.k8s.io/v1
                    kind: EndpointSlice
                    metadata: {name: pool-%d, labels: {kubernetes.io/service-name: pool}}
                    addressType: IPv4
                    ports: [{name: http, port: %d}]
                    endpoints: [{addresses: ["127.0.0.1"]}]
                    """.formatted(i + 1, POOL[i].port()));
        }
        yaml.append("""
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: users}
                type: Opaque
                stringData:
                  alice: '%s'
                """.formatted(sha("wonderland")));
        yaml.append(NginxIngresses.ingress("moved", "moved.localhost", "app", Map.of("temporal-redirect",
                "https://elsewhere.example.com/new", "temporal-redirect-code", "307",
                "permanent-redirect", "https://never.example.com/")));
        yaml.append(NginxIngresses.ingress("moved-default", "moved-default.localhost", "app",
                Map.of("temporal-redirect", "https://elsewhere.example.com/new")));
        yaml.append(NginxIngresses.ingress("hashed", "hashed.localhost", "pool",
                Map.of("upstream-hash-by", "$http_x_user")));
        yaml.append(NginxIngresses.ingress("shop", "shop.localhost", "app", Map.of()));
        yaml.append(NginxIngresses.ingress("shop-canary", "shop.localhost", "canary", Map.of("canary", "true",
                "canary-weight", "100", "canary-weight-total", "1000", "canary-by-cookie", "canary")));
        yaml.append(NginxIngresses.ingress("regional", "regional.localhost", "app", Map.of()));
        yaml.append(NginxIngresses.ingress("regional-canary", "regional.localhost", "canary", Map.of("canary",
                "true", "canary-by-header", "X-Region", "canary-by-header-value", "eu-west")));
        yaml.append(NginxIngresses.ingress("tiered", "tiered.localhost", "app", Map.of()));
        yaml.append(NginxIngresses.ingress("tiered-canary", "tiered.localhost", "canary", Map.of("canary",
                "true", "canary-by-header", "X-Tier", "canary-by-header-pattern", "^beta-[0-9]+$")));
        yaml.append(NginxIngresses.ingress("robin", "robin.localhost", "pool",
                Map.of("load-balance", "round_robin")));
        yaml.append(NginxIngresses.ingress("hole", "hole.localhost", "hole", Map.of("proxy-connect-timeout", "1")));
        yaml.append(NginxIngresses.ingress("forced", "forced.localhost", "app",
                Map.of("force-ssl-redirect", "true")));
        yaml.append(NginxIngresses.ingress("halves", "halves.localhost", "app", Map.of()));
        yaml.append(NginxIngresses.ingress("halves-canary", "halves.localhost", "canary", Map.of("canary", "true",
                "canary-weight", "50", "canary-weight-total", "50")));
        yaml.append(NginxIngresses.ingress("mirrored", "mirrored.localhost", "app", Map.of("mirror-target",
                "mirror:80", "mirror-host", "copies.internal")));
        yaml.append(NginxIngresses.ingress("mapped", "mapped.localhost", "app", Map.of("auth-type", "basic",
                "auth-secret", "users", "auth-secret-type", "auth-map")));
        yaml.append(NginxIngresses.ingress("filed", "filed.localhost", "app", Map.of("auth-type", "basic",
                "auth-secret", "users", "auth-secret-type", "auth-file")));
        yaml.append(NginxIngresses.ingress("signin", "signin.localhost", "app", Map.of("auth-url",
                auth.url("/oauth2/auth"), "auth-signin", "https://login.example.com/start",
                "auth-signin-redirect-param", "return_to", "auth-keepalive-share-vars", "true")));
        yaml.append(NginxIngresses.ingress("buffered", "buffered.localhost", "app",
                Map.of("proxy-request-buffering", "on")));
        Files.writeString(dir.resolve("world.yaml"), yaml.toString());
        served = IngressNginxWorld.serve(dir, CompilerOptions.local().alsoServing(List.of("nginx")));
    }

    /** htpasswd -s's hash: {SHA} and the base64 of the password's SHA-1. */
    private static String sha(String password) throws Exception {
        return "{SHA}" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                .digest(password.getBytes(StandardCharsets.UTF_8)));
    }

    @AfterAll
    static void stop() throws Exception {
        served.close();
        for (AutoCloseable c : List.<AutoCloseable>of(app, canary, POOL[0], POOL[1], POOL[2], auth, mirror,
                hole)) {
            c.close();
        }
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
            Thread.sleep(25);
        }
        assertThat(condition.getAsBoolean()).as("within 5 s").isTrue();
    }

    @Test
    void theFolderIsServedWithTheWarningsAndErrorsTheDocSays() {
        List<String> messages = served.loaded().messages();
        assertThat(served.loaded().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("Ingress/default/halves-canary")
                .contains("canary-weight-total").contains("is below 100"));
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("Ingress/default/signin")
                .contains("auth-keepalive-share-vars").contains("\"true\" is not applied"));
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("Ingress/default/buffered")
                .contains("proxy-request-buffering"));
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("Ingress/default/filed")
                .contains("auth-secret"));
        assertThat(messages).noneMatch(m -> m.contains("Ingress/default/moved-default") || m.contains("Ingress/default/hashed")
                || m.contains("Ingress/default/shop") || m.contains("Ingress/default/mirrored")
                || m.contains("Ingress/default/mapped"));
    }

    @Test
    void temporalRedirectCodeIsTheStatusOfTheRedirect() throws Exception {
        HttpResponse<String> moved = served.get("moved.localhost", "/old?x=1");
        HttpResponse<String> plain = served.get("moved-default.localhost", "/old");

        assertThat(moved.statusCode()).isEqualTo(307);
        assertThat(moved.headers().firstValue("location")).as("temporal wins over permanent")
                .hasValue("https://elsewhere.example.com/new");
        assertThat(plain.statusCode()).isEqualTo(302);
        assertThat(plain.headers().firstValue("location")).hasValue("https://elsewhere.example.com/new");
    }

    @Test
    void upstreamHashByKeepsEachKeyOnOneEndpoint() throws Exception {
        Map<String, String> first = new HashMap<>();
        for (int round = 0; round < 5; round++) {
            for (int user = 0; user < 12; user++) {
                HttpResponse<String> r = served.get("hashed.localhost", "/", "X-User", "user-" + user);
                assertThat(r.statusCode()).isEqualTo(200);
                String backend = TestBackend.parse(r.body()).get("backend");
                assertThat(first.putIfAbsent("user-" + user, backend)).as("user-" + user + " round " + round)
                        .isIn(null, backend);
            }
        }
        assertThat(new HashSet<>(first.values())).as("twelve keys spread over the endpoints").hasSizeGreaterThan(1);
    }

    private static int canaryShare(String host, int requests) throws Exception {
        int toCanary = 0;
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> r = served.get(host, "/");
            assertThat(r.statusCode()).isEqualTo(200);
            if (TestBackend.parse(r.body()).get("backend").equals("canary")) {
                toCanary++;
            }
        }
        return toCanary;
    }

    @Test
    void canaryWeightTotalIsTheWeightsDenominatorAndBelow100TheDefaultApplies() throws Exception {
        assertThat(canaryShare("shop.localhost", 400)).as("100 of 1000: about 40 of 400").isBetween(15, 75);
        assertThat(canaryShare("halves.localhost", 200)).as("50 of 100 (50 is below 100), not all")
                .isBetween(60, 140);
    }

    @Test
    void mirrorHostIsTheHostOfTheCopies() throws Exception {
        int before = mirror.seen().size();
        HttpResponse<String> r = served.get("mirrored.localhost", "/items?id=4");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestBackend.parse(r.body())).containsEntry("backend", "app")
                .containsEntry("header.host", "mirrored.localhost");
        eventually(() -> mirror.seen().size() > before);
        AuthServer.Seen copy = mirror.seen().get(before);
        assertThat(copy.header("host")).isEqualTo("copies.internal");
        assertThat(copy.uri()).isEqualTo("/items?id=4");
    }

    @Test
    void authSecretTypeAuthMapReadsOneKeyPerUser() throws Exception {
        HttpResponse<String> in = served.get("mapped.localhost", "/", "Authorization",
                IngressNginxWorld.basic("alice", "wonderland"));
        HttpResponse<String> wrong = served.get("mapped.localhost", "/", "Authorization",
                IngressNginxWorld.basic("alice", "looking-glass"));
        HttpResponse<String> none = served.get("mapped.localhost", "/");
        HttpResponse<String> filed = served.get("filed.localhost", "/", "Authorization",
                IngressNginxWorld.basic("alice", "wonderland"));

        assertThat(in.statusCode()).isEqualTo(200);
        assertThat(TestBackend.parse(in.body())).containsEntry("backend", "app");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate")).hasValueSatisfying(h -> assertThat(h)
                .startsWith("Basic"));
        assertThat(filed.statusCode()).as("auth-file: the Secret has no key auth, so no user: fails closed")
                .isEqualTo(503);
    }

    @Test
    void authSigninRedirectParamCarriesTheOriginalUrl() throws Exception {
        HttpResponse<String> out = served.get("signin.localhost", "/orders?page=2");

        assertThat(out.statusCode()).isEqualTo(302);
        String location = out.headers().firstValue("location").orElseThrow();
        assertThat(location).startsWith("https://login.example.com/start?return_to=").doesNotContain("rd=");
        assertThat(URLDecoder.decode(location.substring(location.indexOf("return_to=") + 10), StandardCharsets.UTF_8))
                .isEqualTo("http://signin.localhost/orders?page=2");
    }

    @Test
    void authKeepaliveShareVarsTrueSharesNothingButTheHeadersSent() throws Exception {
        int before = auth.seen().size();
        HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + served.proxy().httpPort()
                        + "/orders")).header("Host", "signin.localhost").header("Cookie", "_oauth2_proxy=valid-kim")
                .POST(HttpRequest.BodyPublishers.ofString("order=42")).build();
        HttpResponse<String> r = CLIENT.send(post, HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestBackend.parse(r.body())).containsEntry("method", "POST");
        assertThat(auth.seen().subList(before, auth.seen().size())).singleElement().satisfies(seen -> {
            assertThat(seen.method()).as("auth-method's default, not the client's").isEqualTo("GET");
            assertThat(seen.bodyBytes()).isZero();
        });
    }

    @Test
    void proxyRequestBufferingOnIsAWarningAndTheBodyStreamsToTheBackendAsItArrives() throws Exception {
        int before = app.requests();
        try (RawHttp http = new RawHttp(served.proxy().httpPort())) {
            http.send("POST /sha256 HTTP/1.1\r\nHost: buffered.localhost\r\nContent-Length: 10\r\n\r\nhello");
            eventually(() -> app.requests() > before); // the backend has the request while half its body is unsent
            RawHttp.Response r = http.send(" body").read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).contains("length=10");
        }
        assertThat(app.requests() - before).isEqualTo(1);
    }

    private static String backend(String host, String... headers) throws Exception {
        HttpResponse<String> r = served.get(host, "/", headers);
        assertThat(r.statusCode()).isEqualTo(200);
        return TestBackend.parse(r.body()).get("backend");
    }

    @Test
    void canaryByCookieAlwaysAndNeverDecideBeforeTheWeight() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(backend("shop.localhost", "Cookie", "canary=always")).isEqualTo("canary");
            assertThat(backend("shop.localhost", "Cookie", "canary=never")).isEqualTo("app");
        }
    }

    @Test
    void canaryByHeaderValueAndPatternSendTheirMatchesToTheCanary() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertThat(backend("regional.localhost", "X-Region", "eu-west")).isEqualTo("canary");
            assertThat(backend("regional.localhost", "X-Region", "always")).as("the value replaces always")
                    .isEqualTo("app");
            assertThat(backend("regional.localhost")).isEqualTo("app");
            assertThat(backend("tiered.localhost", "X-Tier", "beta-7")).isEqualTo("canary");
            assertThat(backend("tiered.localhost", "X-Tier", "gamma")).isEqualTo("app");
        }
    }

    @Test
    void loadBalanceRoundRobinTakesEachEndpointInTurn() throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 9; i++) {
            counts.merge(backend("robin.localhost"), 1, Integer::sum);
        }

        assertThat(counts).containsOnlyKeys("pool-0", "pool-1", "pool-2").allSatisfy((b, n) -> assertThat(n)
                .isEqualTo(3));
    }

    @Test
    void proxyConnectTimeoutGivesUpOnAnEndpointThatTakesNoConnection() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = served.get("hole.localhost", "/");
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(r.statusCode()).isIn(502, 503, 504);
        assertThat(millis).as("1 s per connect (and one retry), not the default 5 s").isBetween(900L, 4_000L);
    }

    @Test
    void forceSslRedirectRedirectsToHttpsWithoutTlsForTheHost() throws Exception {
        HttpResponse<String> r = served.get("forced.localhost", "/cart?x=1");

        assertThat(r.statusCode()).isEqualTo(308);
        assertThat(r.headers().firstValue("location")).hasValue("https://forced.localhost/cart?x=1");
    }
}
