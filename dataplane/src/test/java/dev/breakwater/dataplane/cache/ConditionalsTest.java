package dev.breakwater.dataplane.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.CachePolicy;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConditionalsTest {

    private static CachedResponse stored(String etag, String lastModified) {
        HttpHeaders h = new DefaultHttpHeaders().set("cache-control", "max-age=60")
                .set("date", "Tue, 01 Dec 2026 10:00:00 GMT");
        if (etag != null) {
            h.set("etag", etag);
        }
        if (lastModified != null) {
            h.set("last-modified", lastModified);
        }
        return CachedResponse.store(200, h, new byte[0], 0, 0, CacheSettings.resolve(CachePolicy.DEFAULTS,
                CacheConfig.DEFAULTS), null);
    }

    @ParameterizedTest(name = "{0} vs If-None-Match {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "\"a\"|\"a\"|true",
        "\"a\"|W/\"a\"|true",
        "W/\"a\"|\"a\"|true",
        "\"a\"|\"b\", \"a\"|true",
        "\"a\"|*|true",
        "\"a\"|\"b\"|false",
    })
    void entityTagsCompareWeakly(String etag, String ifNoneMatch, boolean notModified) {
        assertThat(Conditionals.notModified(stored(etag, null), new DefaultHttpHeaders().set("if-none-match",
                ifNoneMatch))).isEqualTo(notModified);
    }

    @ParameterizedTest(name = "Last-Modified {0} vs If-Modified-Since {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "Mon, 30 Nov 2026 10:00:00 GMT|Mon, 30 Nov 2026 10:00:00 GMT|true",
        "Mon, 30 Nov 2026 10:00:00 GMT|Tue, 01 Dec 2026 09:00:00 GMT|true",
        "Tue, 01 Dec 2026 09:30:00 GMT|Mon, 30 Nov 2026 10:00:00 GMT|false",
        "Mon, 30 Nov 2026 10:00:00 GMT|not a date|false",
    })
    void datesCompareByLastModified(String lastModified, String ifModifiedSince, boolean notModified) {
        assertThat(Conditionals.notModified(stored(null, lastModified), new DefaultHttpHeaders()
                .set("if-modified-since", ifModifiedSince))).isEqualTo(notModified);
    }

    @org.junit.jupiter.api.Test
    void ifNoneMatchDecidesAloneAndNoValidatorMeansModified() {
        CachedResponse both = stored("\"a\"", "Mon, 30 Nov 2026 10:00:00 GMT");
        assertThat(Conditionals.notModified(both, new DefaultHttpHeaders().set("if-none-match", "\"b\"")
                .set("if-modified-since", "Tue, 01 Dec 2026 11:00:00 GMT"))).isFalse();
        assertThat(Conditionals.notModified(stored(null, null), new DefaultHttpHeaders().set("if-none-match", "*")))
                .isFalse();
        assertThat(Conditionals.notModified(both, new DefaultHttpHeaders())).isFalse();
        // without Last-Modified, the stored Date stands in
        assertThat(Conditionals.notModified(stored(null, null), new DefaultHttpHeaders()
                .set("if-modified-since", "Tue, 01 Dec 2026 10:00:00 GMT"))).isTrue();
    }
}
