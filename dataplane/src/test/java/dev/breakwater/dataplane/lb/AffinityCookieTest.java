package dev.breakwater.dataplane.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.SessionAffinity;
import org.junit.jupiter.api.Test;

/** The session-affinity cookie, with plain calls. */
class AffinityCookieTest {

    private static PickContext cookies(String name, String value) {
        return new PickContext() {
            @Override
            public String header(String n) {
                return null;
            }

            @Override
            public String cookie(String n) {
                return n.equals(name) ? value : null;
            }

            @Override
            public String sourceIp() {
                return "192.0.2.1";
            }
        };
    }

    @Test
    void aSessionCookieOnThePathOfTheRoute() {
        AffinityCookie c = new AffinityCookie(new SessionAffinity("route", null, null));
        assertThat(c.setCookie("abc", false)).isEqualTo("route=abc; Path=/; HttpOnly");
        assertThat(c.setCookie("abc", true)).isEqualTo("route=abc; Path=/; Secure; HttpOnly");
    }

    @Test
    void maxAgeAndPathAsConfigured() {
        AffinityCookie c = new AffinityCookie(new SessionAffinity("sticky", 3600L, "/app"));
        assertThat(c.setCookie("e1", true)).isEqualTo("sticky=e1; Path=/app; Max-Age=3600; Secure; HttpOnly");
        assertThat(c.name()).isEqualTo("sticky");
    }

    @Test
    void domainSameSiteAndSecureAsConfigured() {
        AffinityCookie always = new AffinityCookie(new SessionAffinity("s", 60L, null, "example.com", "None", true));
        assertThat(always.setCookie("e1", false)).as("secure: true, even over HTTP")
                .isEqualTo("s=e1; Path=/; Max-Age=60; Domain=example.com; Secure; HttpOnly; SameSite=None");
        assertThat(always.setCookie("e1", true)).isEqualTo(always.setCookie("e1", false));
        AffinityCookie never = new AffinityCookie(new SessionAffinity("s", null, "/a", null, "Lax", false));
        assertThat(never.setCookie("e1", true)).as("secure: false, even over HTTPS")
                .isEqualTo("s=e1; Path=/a; HttpOnly; SameSite=Lax");
    }

    @Test
    void theRequestedEndpointIsTheCookiesValue() {
        AffinityCookie c = new AffinityCookie(new SessionAffinity("sticky", null, null));
        assertThat(c.requested(cookies("sticky", "e1"))).isEqualTo("e1");
        assertThat(c.requested(cookies("other", "e1"))).isNull();
    }
}
