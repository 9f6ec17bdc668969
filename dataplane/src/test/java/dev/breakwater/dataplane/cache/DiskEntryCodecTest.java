package dev.breakwater.dataplane.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.routing.CachePolicy;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DiskEntryCodecTest {

    private static final CacheKey KEY = CacheKey.of("route", 3, "https", "Example.test", "/a%7e?b=1");

    private static CachedResponse response() {
        HttpHeaders h = new DefaultHttpHeaders().add("Cache-Control", "max-age=60, stale-if-error=30")
                .add("ETag", "\"t\"").add("Vary", "Accept-Language").add("X-Two", "1").add("X-Two", "2")
                .add("Date", "Sun, 06 Nov 1994 08:49:37 GMT");
        return CachedResponse.store(200, h, "héllo".getBytes(StandardCharsets.UTF_8), 1_000, 5_000,
                CacheSettings.resolve(CachePolicy.DEFAULTS, CacheConfig.DEFAULTS), null);
    }

    @Test
    void anEntryReadsBackAsItWasStored() throws IOException {
        CachedResponse r = response();
        byte[] file = DiskEntryCodec.encode(KEY, "accept-language=en\n", r);
        CachedResponse back = DiskEntryCodec.decode(file);
        assertThat(back.status()).isEqualTo(200);
        assertThat(new String(back.body(), StandardCharsets.UTF_8)).isEqualTo("héllo");
        assertThat(back.headers().getAll("X-Two")).containsExactly("1", "2");
        assertThat(back.etag()).isEqualTo("\"t\"");
        assertThat(back.vary()).containsExactly("accept-language");
        assertThat(back.timing()).isEqualTo(r.timing());
        assertThat(back.currentAgeMillis(10_000)).isEqualTo(r.currentAgeMillis(10_000));

        int metaLength = DiskEntryCodec.metaLength(file);
        DiskEntryCodec.Meta meta = DiskEntryCodec.meta(Arrays.copyOfRange(file, DiskEntryCodec.HEAD_BYTES,
                DiskEntryCodec.HEAD_BYTES + metaLength));
        assertThat(meta.key()).isEqualTo(KEY);
        assertThat(meta.secondary()).isEqualTo("accept-language=en\n");
        assertThat(meta.fileBytes()).isEqualTo(file.length);
    }

    @Test
    void anyChangedByteOrAMissingEndIsRefused() {
        byte[] file = DiskEntryCodec.encode(KEY, "", response());
        for (int i = 0; i < file.length; i++) {
            byte[] damaged = file.clone();
            damaged[i] ^= 0x01;
            assertThatThrownBy(() -> DiskEntryCodec.decode(damaged)).as("byte " + i).isInstanceOf(IOException.class);
        }
        for (int n = 0; n < file.length; n++) {
            byte[] cut = Arrays.copyOf(file, n);
            assertThatThrownBy(() -> DiskEntryCodec.decode(cut)).as(n + " bytes").isInstanceOf(IOException.class);
        }
    }
}
