package dev.breakwater.dataplane.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.routing.CachePolicy;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Date;
import org.junit.jupiter.api.Test;

class StorabilityTest {

    private static final CacheSettings SETTINGS = CacheSettings.resolve(CachePolicy.DEFAULTS, CacheConfig.DEFAULTS);
    private static final long DAY = 86_400_000L;

    @Test
    void withoutDateTheTimeReceivedOnTheCacheClockCountsNotTheWallClock() {
        // the cache's clock ten days ahead of the wall clock; modified a day before it (nine days after the wall)
        long received = (System.currentTimeMillis() / 1000) * 1000 + 10 * DAY; // whole seconds, as HTTP-dates
        HttpHeaders h = new DefaultHttpHeaders().set("Last-Modified", DateFormatter.format(new Date(received - DAY)));
        Storability.Verdict v = Storability.check("GET", CacheControl.NONE, false, 200, h, SETTINGS, received);
        assertThat(v.storable()).as(String.valueOf(v.whyNot())).isTrue();
        assertThat(v.lifetime().millis()).as("a tenth of the day since Last-Modified").isEqualTo(DAY / 10);
        assertThat(v.lifetime().heuristic()).isTrue();
    }

    @Test
    void theVerdictCarriesTheLifetimeThatIsStored() {
        HttpHeaders h = new DefaultHttpHeaders().set("Cache-Control", "max-age=60");
        Storability.Verdict v = Storability.check("GET", CacheControl.NONE, false, 200, h, SETTINGS, 0);
        assertThat(v.lifetime()).isEqualTo(new Freshness.Lifetime(60_000, true, false));
        CachedResponse stored = CachedResponse.store(200, h, new byte[0], 0, 0, SETTINGS, v.lifetime());
        assertThat(stored.freshFor(CacheControl.NONE, 59_999)).isTrue();
        assertThat(stored.freshFor(CacheControl.NONE, 60_000)).isFalse();
    }

    @Test
    void a206NeedsOnePartOfKnownLengthAndAStrongTag() {
        HttpHeaders h = new DefaultHttpHeaders().set("Cache-Control", "max-age=60").set("Content-Range",
                "bytes 0-9/26");
        assertThat(Storability.check("GET", CacheControl.NONE, false, 206, h, SETTINGS, 0).whyNot())
                .isEqualTo("206 without a strong entity tag");
        h.set("ETag", "W/\"a\"");
        assertThat(Storability.check("GET", CacheControl.NONE, false, 206, h, SETTINGS, 0).storable()).isFalse();
        h.set("ETag", "\"a\"");
        assertThat(Storability.check("GET", CacheControl.NONE, false, 206, h, SETTINGS, 0).storable()).isTrue();
        h.set("Content-Encoding", "gzip");
        assertThat(Storability.check("GET", CacheControl.NONE, false, 206, h, SETTINGS, 0).whyNot())
                .isEqualTo("206 in a content coding");
    }
}
