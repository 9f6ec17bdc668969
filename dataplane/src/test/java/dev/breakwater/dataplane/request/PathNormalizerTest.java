package dev.breakwater.dataplane.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.dataplane.request.PathPolicy.EscapedSlashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathNormalizerTest {

    private static final PathPolicy DEFAULT = PathPolicy.DEFAULT;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/|/",
        "/admin|/admin",
        "/admin/|/admin/",
        "/adm%69n|/admin",
        "/%61dmin/x|/admin/x",
        "/%41%42%43|/ABC",
        "/a%7e%7E|/a~~",
        "/a%2d%2E%5f|/a-._",
        "/./admin|/admin",
        "/%2e/admin|/admin",
        "/%2E%2E/admin|/admin",
        "/../admin|/admin",
        "/../../../admin|/admin",
        "/public/../admin|/admin",
        "/public/%2e%2e/admin|/admin",
        "/public/.%2e/admin|/admin",
        "/public/%2e./admin|/admin",
        "/a/b/c/./../../g|/a/g",
        "/a/.|/a/",
        "/a/..|/",
        "/a/b/..|/a/",
        "/a/...|/a/...",
        "/a/..b/.c|/a/..b/.c",
        "/.well-known/x|/.well-known/x",
        "//admin|/admin",
        "/a//b///c|/a/b/c",
        "/a//|/a/",
        "/a%3fb|/a%3Fb",
        "/a%3Fb|/a%3Fb",
        "/caf%c3%a9|/caf%C3%A9",
        "/a%25b|/a%25b",
        "/a%2569|/a%2569",
        "/a;b=c/d|/a;b=c/d",
        "/a:b@c!$&'()*+,=|/a:b@c!$&'()*+,=",
        "/a b|/a%20b",
        "/a\"<>^`{}|/a%22%3C%3E%5E%60%7B%7D",
        "/\u00e9|/%E9",
    })
    void normalisesOnceWithTheDefaultPolicy(String raw, String expected) throws Exception {
        String once = PathNormalizer.normalize(raw, DEFAULT);
        assertThat(once).isEqualTo(expected);
        assertThat(PathNormalizer.normalize(once, DEFAULT)).as("idempotent").isEqualTo(once);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "admin|start with /",
        "*|start with /",
        "|start with /",
        "/a%|% not followed",
        "/a%2|% not followed",
        "/a%zz|% not followed",
        "/a%00b|NUL",
        "/a\u0001b|control",
        "/a\u007fb|control",
        "/a%2fb|encoded slash",
        "/a%2Fb|encoded slash",
        "/admin%2F|encoded slash",
        "/a%5cb|backslash",
        "/a\\b|backslash",
        "/\\admin|backslash",
    })
    void refusesWithTheDefaultPolicy(String raw, String reason) {
        String path = raw == null ? "" : raw;
        assertThatThrownBy(() -> PathNormalizer.normalize(path, DEFAULT))
                .isInstanceOf(RequestRefused.class).hasMessageContaining(reason)
                .satisfies(e -> assertThat(((RequestRefused) e).status()).isEqualTo(400));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/a%2fb|/a%2Fb",
        "/group%2Fproject/x|/group%2Fproject/x",
        "/a%5Cb|/a%5Cb",
        "/a\\b|/a%5Cb",
        "/public/..%2Fadmin|/public/..%2Fadmin",
    })
    void keepsEscapedSlashesEncodedInsideTheirSegment(String raw, String expected) throws Exception {
        PathPolicy keep = DEFAULT.withEscapedSlashes(EscapedSlashes.KEEP);
        assertThat(PathNormalizer.normalize(raw, keep)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/a%2fb|/a/b",
        "/public%2F..%2Fadmin|/admin",
        "/public\\..\\admin|/admin",
        "/a%5C%5Cb|/a/b",
    })
    void decodesEscapedSlashesBeforeDotSegmentsAreRemoved(String raw, String expected) throws Exception {
        PathPolicy decode = DEFAULT.withEscapedSlashes(EscapedSlashes.DECODE);
        assertThat(PathNormalizer.normalize(raw, decode)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "//admin|//admin",
        "/a//b|/a//b",
        "/a//|/a//",
        "/a//.|/a//",
        "/a/./|/a/",
        "/a/b/..//c|/a//c",
    })
    void keepsEmptySegmentsWhenSlashesAreNotMerged(String raw, String expected) throws Exception {
        assertThat(PathNormalizer.normalize(raw, DEFAULT.withMergeSlashes(false))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "a=1&b=2|a=1&b=2",
        "q=a%20b|q=a%20b",
        "q=%7e|q=%7e",
        "next=/a?b|next=/a?b",
        "q={\"a\":1}|q=%7B%22a%22:1%7D",
        "q=a b|q=a%20b",
        "discount=50%|discount=50%25",
        "x=%zz|x=%25zz",
        "|",
    })
    void queriesAreKeptButForWhatAUriCannotCarry(String raw, String expected) throws Exception {
        String q = raw == null ? "" : raw;
        assertThat(PathNormalizer.normalizeQuery(q)).isEqualTo(expected == null ? "" : expected);
    }

    @Test
    void aControlCharacterInTheQueryIsRefused() {
        assertThatThrownBy(() -> PathNormalizer.normalizeQuery("a=\u0000")).isInstanceOf(RequestRefused.class);
        assertThatThrownBy(() -> PathNormalizer.normalizeQuery("a=\tb")).isInstanceOf(RequestRefused.class);
    }

    @Test
    void theCommonPathIsReturnedAsIs() throws Exception {
        String path = "/api/v1/users/42";
        assertThat(PathNormalizer.normalize(path, DEFAULT)).isSameAs(path);
    }
}
