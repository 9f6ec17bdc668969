package dev.breakwater.dataplane.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.Htpasswd;
import dev.breakwater.routing.BasicAuth;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Hashes written by the real htpasswd, checked as the data plane checks them. */
class PasswordHashesTest {

    @ParameterizedTest(name = "htpasswd {0}")
    @CsvSource({"-B, BCRYPT", "-m, APR1", "-s, SHA1"})
    void aHashHtpasswdWroteMatchesItsPasswordAndNoOther(String flag, BasicAuth.HashScheme scheme) {
        String hash = Htpasswd.hash("alice", "correct horse", flag);

        assertThat(BasicAuth.scheme(hash)).isEqualTo(scheme);
        assertThat(PasswordHashes.matches(hash, "correct horse")).isTrue();
        assertThat(PasswordHashes.matches(hash, "correct horsE")).isFalse();
        assertThat(PasswordHashes.matches(hash, "")).isFalse();
    }

    @Test
    void bcryptOfAHigherCostAndNonAsciiPasswordsMatch() {
        String hash = Htpasswd.hash("bob", "pässwörd €", "-B", "-C", "8");

        assertThat(hash).startsWith("$2y$08$");
        assertThat(PasswordHashes.matches(hash, "pässwörd €")).isTrue();
        assertThat(PasswordHashes.matches(hash, "passwoerd €")).isFalse();
        assertThat(PasswordHashes.expensive(hash)).isTrue();
        assertThat(PasswordHashes.expensive(Htpasswd.hash("bob", "x", "-m"))).isFalse();
    }

    @Test
    void cryptHashesMatchAndUnknownSchemesMatchNothing() {
        // glibc crypt's SHA-512, as `openssl passwd -6 -salt saltsalt secret` writes it
        String sha512 = "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1";
        assertThat(PasswordHashes.matches(sha512, "secret")).isTrue();
        assertThat(PasswordHashes.matches(sha512, "Secret")).isFalse();
        assertThat(PasswordHashes.matches("plain", "plain")).isFalse();
        assertThat(PasswordHashes.matches("{PLAIN}x", "x")).isFalse();
    }
}
