package dev.breakwater.dataplane.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthorityTest {

    @Test
    void theHostIsTheAuthorityWithoutItsPort() {
        assertThat(Authority.host("a.example.com")).isEqualTo("a.example.com");
        assertThat(Authority.host("a.example.com:8443")).isEqualTo("a.example.com");
        assertThat(Authority.host("10.0.0.1:80")).isEqualTo("10.0.0.1");
        assertThat(Authority.host("[2001:db8::1]:443")).isEqualTo("2001:db8::1");
        assertThat(Authority.host("[::1]")).isEqualTo("::1");
        assertThat(Authority.host(null)).isNull();
    }

    @Test
    void validAuthorities() {
        assertThat(Authority.valid("a.example.com:8443")).isTrue();
        assertThat(Authority.valid("[2001:db8::1]:443")).isTrue();
        assertThat(Authority.valid("user@a.example.com")).isFalse();
        assertThat(Authority.valid("a.example.com:99999")).isFalse();
    }
}
