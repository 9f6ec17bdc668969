package dev.breakwater.dataplane.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.settings.ProxyConfig;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** The request body limit, with plain calls. */
class BodyLimitFilterTest {

    private final BodyLimitFilter limit = new BodyLimitFilter(100);

    private static FilterContext post(String contentLength) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
        if (contentLength != null) {
            req.headers().set("content-length", contentLength);
        }
        return new FilterContext(req, "http", "a.test", "/", null, "192.0.2.1", ProxyConfig.defaults());
    }

    @Test
    void aDeclaredLengthOverTheLimitIsAnswered413AtOnce() {
        LocalAnswer answer = limit.onRequest(post("101"));
        assertThat(answer.status().code()).isEqualTo(413);
        assertThat(answer.message()).isEqualTo("request body larger than 100 bytes");
        assertThat(limit.onRequest(post("100"))).isNull();
        assertThat(limit.onRequest(post(null))).as("no declared length").isNull();
    }

    @Test
    void aStreamingBodyIsCutOnceItGrowsPastTheLimit() {
        assertThat(limit.onBody(0)).isNull();
        assertThat(limit.onBody(100)).isNull();
        assertThat(limit.onBody(101).status().code()).isEqualTo(413);
        assertThat(limit.maxBytes()).isEqualTo(100);
    }
}
