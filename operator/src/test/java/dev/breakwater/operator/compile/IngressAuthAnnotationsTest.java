package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.fixture.IngressFixture;
import dev.breakwater.routing.BasicAuth;
import dev.breakwater.routing.ExternalAuth;
import dev.breakwater.routing.Route;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ingress-nginx's authentication annotations compiled: external authentication into the routes' policy, Basic
 * authentication from an htpasswd or auth-map Secret, and everything that cannot be enforced failing closed (503)
 * with an error naming the annotation.
 */
class IngressAuthAnnotationsTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    // as `htpasswd -nbB alice wonderland`, `htpasswd -nbm bob builder` and `htpasswd -nbs carol singer` wrote them
    private static final String ALICE = "$2y$05$Mj6TD1pU43Vn2hqEvoRlkuJCuFEfuBkRPnURj22HtkufiTIO9C/sC";
    private static final String BOB = "$apr1$1DzS2PeR$NoIk3AygDgB2WvdtFVEqX/";
    private static final String CAROL = "{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=";

    private static IngressFixture web() {
        return Fixtures.ingress("default", "web").host("a.com").prefix("/", "app", 80);
    }

    private static Compilation compile(IngressFixture ingress, String... secretData) {
        Snapshots s = Snapshots.with(ingress.build()).service("default", "app", "10.0.0.1");
        if (secretData.length > 0) {
            s.secret("default", "users", "Opaque", secretData);
        }
        return s.compile();
    }

    private static Route route(Compilation c) {
        return TableLookup.find(c.table(), "a.com", "/").orElseThrow();
    }

    private static List<Diagnostic> errors(Compilation c) {
        return c.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
    }

    @Test
    void externalAuthenticationAndItsCompanionsBecomeTheRoutesPolicy() {
        Compilation c = compile(web()
                .annotation(NGINX + "auth-url", "http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth")
                .annotation(NGINX + "auth-signin", "https://login.example.com/oauth2/start?rd=$escaped_request_uri")
                .annotation(NGINX + "auth-response-headers", "X-Auth-Request-User, X-Auth-Request-Email")
                .annotation(NGINX + "auth-method", "post")
                .annotation(NGINX + "auth-request-redirect", "/after")
                .annotation(NGINX + "auth-always-set-cookie", "true")
                .annotation(NGINX + "auth-cache-key", "$cookie__oauth2_proxy$http_authorization")
                .annotation(NGINX + "auth-cache-duration", "200 202 10m, 401 30s")
                .annotation("breakwater.dev/auth-timeout", "2s"));

        assertThat(c.diagnostics()).isEmpty();
        ExternalAuth auth = route(c).policy().externalAuth();
        assertThat(auth.url()).isEqualTo("http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth");
        assertThat(auth.signin()).isEqualTo("https://login.example.com/oauth2/start?rd=$escaped_request_uri");
        assertThat(auth.signinRedirectParam()).isEqualTo("rd");
        assertThat(auth.responseHeaders()).containsExactly("X-Auth-Request-User", "X-Auth-Request-Email");
        assertThat(auth.method()).isEqualTo("POST");
        assertThat(auth.requestRedirect()).isEqualTo("/after");
        assertThat(auth.alwaysSetCookie()).isTrue();
        assertThat(auth.cacheKey()).isEqualTo("$cookie__oauth2_proxy$http_authorization");
        assertThat(auth.cacheMillis()).isEqualTo(Map.of(200, 600_000L, 202, 600_000L, 401, 30_000L));
        assertThat(auth.timeoutMillis()).isEqualTo(2000);
        assertThat(auth.connectTimeoutMillis()).isEqualTo(ExternalAuth.DEFAULT_CONNECT_TIMEOUT_MILLIS);
        assertThat(TableLookup.service(c.table(), "a.com", "/")).isEqualTo("app");
    }

    @Test
    void aCacheKeyWithoutDurationsCachesAsIngressNginxDoesByDefault() {
        Compilation c = compile(web().annotation(NGINX + "auth-url", "https://auth.example/check")
                .annotation(NGINX + "auth-cache-key", "$remote_addr"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(route(c).policy().externalAuth().cacheMillis())
                .isEqualTo(Map.of(200, 300_000L, 202, 300_000L, 401, 300_000L));
    }

    @Test
    void whatCannotBeEnforcedAsWrittenIsAnErrorAndTheRoutesFailClosed() {
        for (String[] bad : new String[][] {
            {"auth-url", "ftp://auth.example/"},
            {"auth-url", "http://$host/auth"},
            {"auth-url", "not a url"},
            {"auth-cache-key", "$remote_user"},
            {"auth-signin", "https://login.example/?next=$request_uri&x=$remote_addr"}}) {
            IngressFixture ingress = web().annotation(NGINX + bad[0], bad[1]);
            if (!bad[0].equals("auth-url")) {
                ingress.annotation(NGINX + "auth-url", "http://auth.example/check");
            }
            Compilation c = compile(ingress);

            assertThat(errors(c)).as(bad[1]).singleElement().satisfies(d -> {
                assertThat(d.field()).isEqualTo("metadata.annotations['" + NGINX + bad[0] + "']");
                assertThat(d.reason()).contains("the Ingress's routes answer 503");
            });
            assertThat(TableLookup.status(c.table(), "a.com", "/")).as(bad[1]).isEqualTo(503);
        }
    }

    @Test
    void companionsWithoutAuthUrlAreWarnedAndDoNothing() {
        Compilation c = compile(web().annotation(NGINX + "auth-signin", "https://login.example/")
                .annotation(NGINX + "auth-realm", "x"));

        assertThat(c.diagnostics()).extracting(Diagnostic::reason).containsExactlyInAnyOrder(
                "has no effect without " + NGINX + "auth-url", "has no effect without " + NGINX + "auth-type");
        assertThat(route(c).policy().externalAuth()).isNull();
        assertThat(route(c).policy().basicAuth()).isNull();
        assertThat(TableLookup.service(c.table(), "a.com", "/")).isEqualTo("app");
    }

    @Test
    void basicAuthenticationReadsHtpasswdLinesFromTheSecretsAuthKey() {
        Compilation c = compile(web().annotation(NGINX + "auth-type", "basic")
                        .annotation(NGINX + "auth-secret", "users").annotation(NGINX + "auth-realm", "Admins only"),
                "auth", "# admins\nalice:" + ALICE + "\nbob:" + BOB + "\r\ncarol:" + CAROL + "\n\n");

        assertThat(c.diagnostics()).isEmpty();
        BasicAuth basic = route(c).policy().basicAuth();
        assertThat(basic.realm()).isEqualTo("Admins only");
        assertThat(basic.users()).isEqualTo(Map.of("alice", ALICE, "bob", BOB, "carol", CAROL));
        assertThat(TableLookup.service(c.table(), "a.com", "/")).isEqualTo("app");
    }

    @Test
    void anAuthMapSecretHasOneKeyPerUserAndTheRealmDefaultsAsIngressNginx() {
        Compilation c = compile(web().annotation(NGINX + "auth-type", "basic")
                .annotation(NGINX + "auth-secret", "default/users").annotation(NGINX + "auth-secret-type", "auth-map"),
                "alice", ALICE, "bob", BOB);

        assertThat(c.diagnostics()).isEmpty();
        BasicAuth basic = route(c).policy().basicAuth();
        assertThat(basic.realm()).isEqualTo("Authentication Required");
        assertThat(basic.users()).containsOnlyKeys("alice", "bob");
    }

    @Test
    void usersWithHashesBreakwaterCannotCheckAreLeftOutWithAWarning() {
        Compilation c = compile(web().annotation(NGINX + "auth-type", "basic")
                .annotation(NGINX + "auth-secret", "users"), "auth", "alice:" + ALICE + "\nold:abJnggxhB/yWI\n"
                + "plain:{PLAIN}secret\nnocolon\n");

        assertThat(errors(c)).isEmpty();
        assertThat(c.diagnostics()).extracting(Diagnostic::reason).hasSize(3)
                .anySatisfy(r -> assertThat(r).startsWith("default/users auth line 2 (user \"old\"): the hash is in "
                        + "no scheme Breakwater checks"))
                .anySatisfy(r -> assertThat(r).startsWith("default/users auth line 3 (user \"plain\")"))
                .anySatisfy(r -> assertThat(r).isEqualTo("default/users auth line 4 is not user:hash; it is left "
                        + "out"));
        assertThat(route(c).policy().basicAuth().users()).containsOnlyKeys("alice");
    }

    @Test
    void aMissingOrUnusableSecretIsAnErrorAndTheRoutesAnswer503NeverServeEveryone() {
        IngressFixture ingress = web().annotation(NGINX + "auth-type", "basic")
                .annotation(NGINX + "auth-secret", "users");
        for (Object[] kase : new Object[][] {
            {new String[0], "Secret default/users does not exist"},
            {new String[] {"users", "alice:" + ALICE}, "Secret default/users has no key \"auth\""},
            {new String[] {"auth", "alice:plaintext\n"}, "Secret default/users has no user with a usable password "
                    + "hash"}}) {
            Compilation c = compile(ingress, (String[]) kase[0]);

            assertThat(errors(c)).as((String) kase[1]).singleElement().satisfies(d -> {
                assertThat(d.field()).isEqualTo("metadata.annotations['" + NGINX + "auth-secret']");
                assertThat(d.reason()).startsWith((String) kase[1]).endsWith("the Ingress's routes answer 503 "
                        + "rather than serve clients that were meant to authenticate");
            });
            assertThat(TableLookup.status(c.table(), "a.com", "/")).isEqualTo(503);
        }
        Compilation noSecret = compile(web().annotation(NGINX + "auth-type", "basic"));
        assertThat(errors(noSecret)).singleElement().satisfies(d -> assertThat(d.reason())
                .startsWith("auth-type basic needs auth-secret"));
        assertThat(TableLookup.status(noSecret.table(), "a.com", "/")).isEqualTo(503);
    }

    @Test
    void aChangedSecretChangesTheTable() {
        IngressFixture ingress = web().annotation(NGINX + "auth-type", "basic")
                .annotation(NGINX + "auth-secret", "users");
        Compilation before = compile(ingress, "auth", "alice:" + ALICE);
        Compilation after = compile(ingress, "auth", "alice:" + ALICE + "\nbob:" + BOB);

        assertThat(route(before).policy().basicAuth().users()).containsOnlyKeys("alice");
        assertThat(route(after).policy().basicAuth().users()).containsOnlyKeys("alice", "bob");
        assertThat(after.table().hash()).isNotEqualTo(before.table().hash());
    }

    @Test
    void aCanaryTakesTheMainIngresssAuthentication() {
        Compilation c = Snapshots.with(
                        web().annotation(NGINX + "auth-url", "http://auth.example/check")
                                .annotation(NGINX + "auth-type", "basic").annotation(NGINX + "auth-secret", "users")
                                .build(),
                        Fixtures.ingress("default", "canary").host("a.com").prefix("/", "canary", 80)
                                .annotation(NGINX + "canary", "true").annotation(NGINX + "canary-by-header", "X-C")
                                .build())
                .service("default", "app", "10.0.0.1").service("default", "canary", "10.0.0.2")
                .secret("default", "users", "Opaque", "auth", "alice:" + ALICE).compile();

        assertThat(c.diagnostics()).isEmpty();
        Route canary = TableLookup.find(c.table(), "a.com", "/", Map.of("X-C", "always")).orElseThrow();
        assertThat(TableLookup.service(c.table(), "a.com", "/", Map.of("X-C", "always"))).isEqualTo("canary");
        assertThat(canary.policy().externalAuth().url()).isEqualTo("http://auth.example/check");
        assertThat(canary.policy().basicAuth().users()).containsOnlyKeys("alice");
    }

    @Test
    void digestAuthenticationReadsHtdigestLinesOfItsRealm() {
        // `htdigest -c auth "Admin area" alice` (password pw1) wrote the first line
        Compilation c = compile(web().annotation(NGINX + "auth-type", "digest")
                        .annotation(NGINX + "auth-secret", "users").annotation(NGINX + "auth-realm", "Admin area"),
                "auth", "alice:Admin area:6e66768633c6b68b60187750afd8f40c\nbob:Other:6e66768633c6b68b60187750afd8f40c\n");

        assertThat(errors(c)).isEmpty();
        assertThat(c.diagnostics()).singleElement().satisfies(d -> assertThat(d.reason())
                .isEqualTo("default/users auth line 2 (user \"bob\") is for realm \"Other\", not \"Admin area\" "
                        + "(auth-realm); the user is left out"));
        assertThat(route(c).policy().digestAuth().users())
                .isEqualTo(Map.of("alice", "6e66768633c6b68b60187750afd8f40c"));
        assertThat(route(c).policy().basicAuth()).isNull();
        Compilation none = compile(web().annotation(NGINX + "auth-type", "digest")
                .annotation(NGINX + "auth-secret", "users"), "auth", "alice:Admin area:6e66768633c6b68b60187750afd8f40c");
        assertThat(errors(none)).singleElement().satisfies(d -> assertThat(d.reason())
                .startsWith("Secret default/users has no user of realm \"Authentication Required\""));
        assertThat(TableLookup.status(none.table(), "a.com", "/")).isEqualTo(503);
    }
}
