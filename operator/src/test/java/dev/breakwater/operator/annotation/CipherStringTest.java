package dev.breakwater.operator.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenSSL cipher strings evaluated over the TLS 1.2 suites Breakwater serves, as OpenSSL evaluates them. */
class CipherStringTest {

    private final List<String> warnings = new ArrayList<>();

    private List<String> read(String value) {
        return CipherString.read(value, warnings);
    }

    @Test
    void aliasesJoinedByPlusMatchTheSuitesTheyAllMatchInTheOrderTheyAreServed() {
        assertThat(read("ECDHE+AESGCM")).containsExactly("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        assertThat(read("kEECDH+aRSA+CHACHA20")).containsExactly("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
        assertThat(warnings).isEmpty();
    }

    @Test
    void bangKillsForGoodMinusRemovesUntilAddedAgainPlusMovesToTheEnd() {
        assertThat(read("HIGH:!aNULL:!MD5:!SHA1:!kRSA")).hasSize(6).allMatch(s -> s.startsWith("TLS_ECDHE_"))
                .noneMatch(s -> s.endsWith("_CBC_SHA"));
        assertThat(read("!ECDSA:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256")).containsExactly(
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(read("-ECDSA:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256")).containsExactly(
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(read("ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384:+SHA1")).containsExactly(
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
        assertThat(read("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:@STRENGTH")).containsExactly(
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(warnings).isEmpty();
    }

    @Test
    void standardNamesSeparatorsAndSecurityLevelsAreAccepted() {
        assertThat(read("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, AES128-GCM-SHA256 @SECLEVEL=2")).containsExactly(
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(warnings).isEmpty();
    }

    @Test
    void whatIsNotServedOrNotKnownIsAWarningNamingIt() {
        assertThat(read("ECDHE-RSA-AES128-SHA256:DES-CBC3-SHA:RC4:TLS_AES_128_GCM_SHA256:Bogus:"
                + "ECDHE-RSA-AES128-GCM-SHA256")).containsExactly("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(warnings).containsExactly(
                "\"TLS_AES_128_GCM_SHA256\" is a TLS 1.3 suite, not set by ssl-ciphers (as in nginx): TLS 1.3 offers "
                        + "its three suites; left out",
                "\"Bogus\" is not a cipher or OpenSSL alias Breakwater knows; left out",
                "ciphers ECDHE-RSA-AES128-SHA256, DES-CBC3-SHA are not served by Breakwater and left out (TLS 1.2 "
                        + "suites served: ECDHE or RSA key exchange with AES-GCM, ChaCha20-Poly1305 or AES-CBC-SHA)");
    }

    @Test
    void nothingServedLeavesAnEmptyList() {
        assertThat(read("DHE-RSA-AES256-GCM-SHA384:3DES")).isEmpty();
    }
}
