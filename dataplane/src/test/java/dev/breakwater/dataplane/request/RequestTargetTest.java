package dev.breakwater.dataplane.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTargetTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "/a?b=1|-|/a|b=1",
        "/a?|-|/a|''",
        "/adm%69n?x|-|/admin|x",
        "http://a.test/admin|a.test|/admin|-",
        "HTTP://a.test/admin|a.test|/admin|-",
        "HtTpS://a.test:8443/x?y|a.test:8443|/x|y",
        "http://a.test|a.test|/|-",
        "http://a.test?q|a.test|/|q",
        "http://[::1]:80/x|[::1]:80|/x|-",
        "http://A.TEST/./%61|A.TEST|/a|-",
    })
    void parsesOriginAndAbsoluteForms(String raw, String authority, String path, String query) throws Exception {
        RequestTarget t = RequestTarget.parse(raw, PathPolicy.DEFAULT);
        assertThat(t.authority()).isEqualTo(authority);
        assertThat(t.path()).isEqualTo(path);
        assertThat(t.query()).isEqualTo(query == null ? null : query.replace("''", ""));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/a#frag", "/a?b#c", "http://a.test/#x", "*", "a.test:443", "ftp://a.test/",
        "http://user@a.test/", "http://user:pw@a.test/x", "http:///x", "http://a test/", "http://a.test:99999/",
        "http://a.test:8o/", "//a.test/x?", "javascript:alert(1)", "http:/a.test/"})
    void refusesOtherForms(String raw) {
        if (raw.startsWith("//")) {
            // a path starting with two slashes is origin-form (merged), not an authority
            return;
        }
        assertThatThrownBy(() -> RequestTarget.parse(raw, PathPolicy.DEFAULT)).isInstanceOf(RequestRefused.class)
                .satisfies(e -> assertThat(((RequestRefused) e).status()).isEqualTo(400));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a.test", "A.Test", "a.test:8080", "a.test:", "127.0.0.1", "127.0.0.1:80", "[::1]",
        "[::1]:8443", "[2001:db8::1]", "xn--bcher-kva.example", "a_b.test", "a-b.test.", "a%41.test"})
    void validHosts(String host) {
        assertThat(Authority.valid(host)).isTrue();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", " a.test", "a.test ", "a test", "user@a.test", "a.test/x", "a.test:80:80",
        "a.test:123456", "a.test:-1", "a.test:8o", "[::1", "[::1]x", "[]", "[zz::1]", "a.test\u0000", "a\tb",
        "a.test\\x", "a%4.test", "a\"b", "a<b>", "[::1]:99999"})
    void invalidHosts(String host) {
        assertThat(Authority.valid(host)).isFalse();
    }
}
