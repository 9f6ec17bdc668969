package dev.breakwater.dataplane.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.DigestAuth;
import dev.breakwater.dataplane.metrics.ProxyMetrics;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** RFC 7616's computation with a clock of the test's: stale, forged and misdirected answers. */
class DigestAuthCheckTest {

    private static final String HA1 = DigestAuthCheck.md5("alice:Admin area:pw1");
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final DigestAuthCheck check = new DigestAuthCheck(new DigestAuth("Admin area", Map.of("alice", HA1)),
            now::get, metrics.authResult("r", "digest", "allowed"),
            metrics.authResult("r", "digest", "denied"));

    private static HttpHeaders answer(String nonce, String method, String uri, String ha1) {
        String ha2 = DigestAuthCheck.md5(method + ":" + uri);
        String response = DigestAuthCheck.md5(ha1 + ":" + nonce + ":00000001:c0ffee:auth:" + ha2);
        return new DefaultHttpHeaders().set("Authorization", "Digest username=\"alice\", realm=\"Admin area\", "
                + "nonce=\"" + nonce + "\", uri=\"" + uri + "\", qop=auth, nc=00000001, cnonce=\"c0ffee\", "
                + "response=\"" + response + "\", algorithm=MD5");
    }

    @Test
    void aRightAnswerPassesAndAnOldNonceIsStale() {
        String nonce = check.nonce(now.get());

        assertThat(check.check(answer(nonce, "GET", "/a?b=1", HA1), "GET", "/a?b=1").allowed()).isTrue();
        now.addAndGet(DigestAuthCheck.NONCE_LIFETIME_MILLIS + 1);
        AuthVerdict stale = check.check(answer(nonce, "GET", "/a?b=1", HA1), "GET", "/a?b=1");
        assertThat(stale.allowed()).isFalse();
        assertThat(stale.denial().headers().get("WWW-Authenticate")).endsWith(", stale=true");
    }

    @Test
    void aForgedNonceAnotherUriOrMethodOrAWrongPasswordFail() {
        String nonce = check.nonce(now.get());
        String forged = Long.toHexString(now.get()) + "." + "0".repeat(32);

        assertThat(check.check(answer(forged, "GET", "/a", HA1), "GET", "/a").allowed()).isFalse();
        assertThat(check.check(answer(nonce, "GET", "/a", HA1), "GET", "/b").allowed()).isFalse();
        assertThat(check.check(answer(nonce, "GET", "/a", HA1), "POST", "/a").allowed()).isFalse();
        AuthVerdict wrong = check.check(answer(nonce, "GET", "/a", DigestAuthCheck.md5("alice:Admin area:x")),
                "GET", "/a");
        assertThat(wrong.allowed()).isFalse();
        assertThat(wrong.denial().headers().get("WWW-Authenticate")).doesNotContain("stale");
        assertThat(DigestAuthCheck.params("Digest a=\"x\", a=\"y\"")).as("a parameter twice").isNull();
        assertThat(DigestAuthCheck.params("Digest a=\"x")).as("an unclosed quote").isNull();
        assertThat(DigestAuthCheck.params("Basic YTpi")).isNull();
    }
}
