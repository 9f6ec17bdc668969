package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.SessionAffinity;
import org.junit.jupiter.api.Test;

/** ingress-nginx's session-cookie attributes read into the route's affinity cookie. */
class SessionCookieAnnotationsTest {

    private static Compilation compile(String... annotations) {
        var f = Fixtures.ingress("default", "app").host("app.example.com").prefix("/", "web", 80)
                .annotation("nginx.ingress.kubernetes.io/affinity", "cookie");
        for (int i = 0; i < annotations.length; i += 2) {
            f.annotation("nginx.ingress.kubernetes.io/" + annotations[i], annotations[i + 1]);
        }
        return Snapshots.with(f.build()).service("default", "web", "10.0.0.1").compile();
    }

    private static SessionAffinity affinity(Compilation c) {
        Route r = c.table().virtualHosts().stream().filter(v -> v.hostname().equals("app.example.com")).findFirst()
                .orElseThrow().routes().get(0);
        return r.policy().affinity();
    }

    @Test
    void sameSiteSecureDomainAndExpiresBecomeTheCookiesAttributes() {
        Compilation c = compile("session-cookie-samesite", "none", "session-cookie-secure", "true",
                "session-cookie-domain", "Example.COM", "session-cookie-expires", "172800");

        assertThat(c.diagnostics()).isEmpty();
        assertThat(affinity(c)).isEqualTo(new SessionAffinity("INGRESSCOOKIE", 172_800L, null, "example.com", "None",
                true));
    }

    @Test
    void maxAgeWinsOverExpiresAndWithoutTheAttributesNoneIsSet() {
        assertThat(affinity(compile("session-cookie-max-age", "60", "session-cookie-expires", "3600")))
                .isEqualTo(new SessionAffinity("INGRESSCOOKIE", 60L, null, null, null, null));
        assertThat(affinity(compile("session-cookie-secure", "false")).secure()).isFalse();
    }

    @Test
    void badValuesAreWarningsNamingTheAnnotationAndLeaveTheAttributeOut() {
        Compilation c = compile("session-cookie-samesite", "sometimes", "session-cookie-domain", "exa mple.com");

        assertThat(affinity(c)).isEqualTo(new SessionAffinity("INGRESSCOOKIE", null, null));
        assertThat(c.diagnostics()).extracting(d -> d.field() + ": " + d.reason()).containsExactlyInAnyOrder(
                "metadata.annotations['nginx.ingress.kubernetes.io/session-cookie-samesite']: \"sometimes\" is not "
                        + "Strict, Lax or None; the cookie has no SameSite",
                "metadata.annotations['nginx.ingress.kubernetes.io/session-cookie-domain']: \"exa mple.com\" is not "
                        + "a domain name; the cookie has no Domain");
    }

    @Test
    void affinityModePersistentIsWhatIsDoneAndBalancedAWarning() {
        assertThat(compile("affinity-mode", "persistent").diagnostics()).isEmpty();
        Compilation balanced = compile("affinity-mode", "balanced");
        assertThat(affinity(balanced)).isNotNull();
        assertThat(balanced.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("metadata.annotations['nginx.ingress.kubernetes.io/affinity-mode']");
            assertThat(d.reason()).startsWith("\"balanced\" is not applied");
        });
    }

    @Test
    void sameSiteNoneWithoutSecureIsAWarning() {
        Compilation c = compile("session-cookie-samesite", "None", "session-cookie-secure", "false");

        assertThat(affinity(c).sameSite()).isEqualTo("None");
        assertThat(c.diagnostics()).singleElement().satisfies(d -> assertThat(d.reason())
                .contains("SameSite=None without Secure"));
    }
}
