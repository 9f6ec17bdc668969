package dev.breakwater.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The authentication records of the table check what they are given, naming the field and the reason. */
class AuthPoliciesTest {

    private static final String BCRYPT = "$2y$05$Mj6TD1pU43Vn2hqEvoRlkuJCuFEfuBkRPnURj22HtkufiTIO9C/sC";

    @Test
    void anExternalAuthUrlIsTakenApart() {
        ExternalAuth a = ExternalAuth.of("https://auth.example/oauth2/auth?x=1");
        ExternalAuth b = ExternalAuth.of("http://[::1]:4180");

        assertThat(a.https()).isTrue();
        assertThat(a.host()).isEqualTo("auth.example");
        assertThat(a.port()).isEqualTo(443);
        assertThat(a.pathAndQuery()).isEqualTo("/oauth2/auth?x=1");
        assertThat(a.methodOrDefault()).isEqualTo("GET");
        assertThat(b.host()).isEqualTo("::1");
        assertThat(b.port()).isEqualTo(4180);
        assertThat(b.pathAndQuery()).isEqualTo("/");
        assertThat(b.authority()).isEqualTo("[::1]:4180");
        assertThat(a.signinRedirectParam()).isEqualTo("rd");
    }

    @Test
    void badExternalAuthSettingsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> ExternalAuth.of("ftp://auth.example/")).hasMessageContaining("url: \"ftp://auth"
                + ".example/\" (expected: an http:// or https:// URL)");
        assertThatThrownBy(() -> ExternalAuth.of("http:///x")).hasMessageContaining("has no host");
        assertThatThrownBy(() -> new ExternalAuth("http://a/", "get", null, null, List.of(), null, false, null,
                Map.of(), 1, 1, 1)).hasMessageContaining("method: \"get\"");
        assertThatThrownBy(() -> new ExternalAuth("http://a/", null, "/relative", null, List.of(), null, false,
                null, Map.of(), 1, 1, 1)).hasMessageContaining("signin: \"/relative\"");
        assertThatThrownBy(() -> new ExternalAuth("http://a/", null, null, null, List.of("Content-Length"), null,
                false, null, Map.of(), 1, 1, 1)).hasMessageContaining("responseHeaders: Content-Length is hop-by-hop");
        assertThatThrownBy(() -> new ExternalAuth("http://a/", null, null, null, List.of(), null, false, "$host",
                Map.of(), 1, 1, 1)).hasMessageContaining("cacheMillis may not be empty");
        assertThatThrownBy(() -> new ExternalAuth("http://a/", null, null, null, List.of(), null, false, "$host",
                Map.of(200, 0L), 1, 1, 1)).hasMessageContaining("cacheMillis: 200 for 0 ms");
        assertThatThrownBy(() -> new ExternalAuth("http://a/", null, null, null, List.of(), null, false, null,
                Map.of(), 0, 1, 1)).hasMessageContaining("cacheMaxEntries: 0");
        assertThatThrownBy(() -> new ExternalAuth("http://a/", null, null, null, List.of(), null, false, null,
                Map.of(), 1, 1, 0)).hasMessageContaining("timeoutMillis: 0");
    }

    @Test
    void aCacheKeyIsTextAndKnownVariables() {
        AuthCacheKey key = AuthCacheKey.parse("u:${cookie_session}$http_x_api_key-$remote_addr");

        assertThat(key.parts()).containsExactly(new AuthCacheKey.Part("u:", null, null),
                new AuthCacheKey.Part(null, AuthCacheKey.Variable.COOKIE, "session"),
                new AuthCacheKey.Part(null, AuthCacheKey.Variable.HEADER, "x-api-key"),
                new AuthCacheKey.Part("-", null, null),
                new AuthCacheKey.Part(null, AuthCacheKey.Variable.REMOTE_ADDR, null));
        assertThatThrownBy(() -> AuthCacheKey.parse("$remote_user$http_authorization"))
                .hasMessageContaining("$remote_user is not one of");
        assertThatThrownBy(() -> AuthCacheKey.parse("${host")).hasMessageContaining("unclosed ${");
        assertThatThrownBy(() -> AuthCacheKey.parse(" ")).hasMessageContaining("cacheKey: empty");
    }

    @Test
    void basicAuthKnowsTheSchemesHtpasswdWritesAndRefusesOthers() {
        assertThat(BasicAuth.scheme(BCRYPT)).isEqualTo(BasicAuth.HashScheme.BCRYPT);
        assertThat(BasicAuth.scheme("$apr1$1DzS2PeR$NoIk3AygDgB2WvdtFVEqX/")).isEqualTo(BasicAuth.HashScheme.APR1);
        assertThat(BasicAuth.scheme("{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=")).isEqualTo(BasicAuth.HashScheme.SHA1);
        assertThat(BasicAuth.scheme("$6$salt$abc")).isEqualTo(BasicAuth.HashScheme.CRYPT);
        assertThat(BasicAuth.scheme("abJnggxhB/yWI")).as("DES crypt").isNull();
        assertThat(BasicAuth.scheme("{PLAIN}x")).isNull();
        assertThatThrownBy(() -> new BasicAuth("r", Map.of("a", "plain"))).hasMessageContaining("the hash of \"a\" "
                + "is in no known scheme");
        assertThatThrownBy(() -> new BasicAuth("r", Map.of())).hasMessageContaining("users: empty");
        assertThatThrownBy(() -> new BasicAuth("say \"hi\"", Map.of("a", BCRYPT))).hasMessageContaining("realm:");
        assertThatThrownBy(() -> new BasicAuth("r", Map.of("a:b", BCRYPT))).hasMessageContaining("\"a:b\" is not "
                + "a user name");
    }
}
