package dev.breakwater.dataplane.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpDateTest {

    private static final long NOV_6_1994 = Instant.parse("1994-11-06T08:49:37Z").toEpochMilli();
    private static final long NOW = Instant.parse("2026-12-02T00:00:00Z").toEpochMilli();

    @Test
    void theThreeFormsOfRfc9110() {
        assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 GMT", NOW)).isEqualTo(NOV_6_1994);
        assertThat(HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).isEqualTo(NOV_6_1994);
        assertThat(HttpDate.parse("Sun Nov  6 08:49:37 1994", NOW)).isEqualTo(NOV_6_1994);
        assertThat(HttpDate.parse("Sun Nov 06 08:49:37 1994", NOW)).isEqualTo(NOV_6_1994);
    }

    @Test
    void anRfc850YearMoreThan50YearsAheadIsInThePast() {
        assertThat(HttpDate.parse("Thursday, 18-Aug-50 02:01:18 GMT", NOW))
                .isEqualTo(Instant.parse("2050-08-18T02:01:18Z").toEpochMilli());
        assertThat(HttpDate.parse("Monday, 18-Aug-80 02:01:18 GMT", NOW))
                .isEqualTo(Instant.parse("1980-08-18T02:01:18Z").toEpochMilli());
    }

    @Test
    void aLeapSecondIsTheLastSecondOfItsMinute() {
        assertThat(HttpDate.parse("Sat, 31 Dec 2016 23:59:60 GMT", NOW))
                .isEqualTo(Instant.parse("2016-12-31T23:59:59Z").toEpochMilli());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "0",
            "-1",
            "Sun, 06 Nov 1994 08:49:37 UTC",          // another zone
            "Sun, 06 Nov 1994 08:49:37 +0000",
            "Sun, 06 Nov 1994 08:49:37 gmt",          // GMT is case-sensitive
            "Sun, 06 Nov 94 08:49:37 GMT",            // two-digit year in IMF-fixdate
            "Sun 06 Nov 1994 08:49:37 GMT",           // missing comma
            "Sun,  06 Nov 1994 08:49:37 GMT",         // extra space
            "Sun, 06 Nov 1994  08:49:37 GMT",
            " Sun, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06-Nov-1994 08:49:37 GMT",          // dashes in IMF-fixdate
            "Sun, 06 Nov 1994 8:49:37 GMT",           // one-digit hour
            "Sun, 6 Nov 1994 08:49:37 GMT",           // one-digit day
            "sun, 06 Nov 1994 08:49:37 GMT",          // names are case-sensitive
            "Sun, 06 nov 1994 08:49:37 GMT",
            "SUN, 06 NOV 1994 08:49:37 GMT",
            "Sun, 31 Feb 1994 08:49:37 GMT",          // no such day
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:61:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT\r\nX: y",
            "Sunday, 06-Nov-1994 08:49:37 GMT",       // four-digit year in rfc850
            "Sunday, 06 Nov 94 08:49:37 GMT",
            "Sun, 06-Nov-94 08:49:37 GMT",            // short day name in rfc850
            "Sun Nov 6 08:49:37 1994",                // asctime day not padded
            "Sun Nov  6 08:49:37 94",
            "Sun Nov  6 08:49:37 1994 GMT",
            "Tomorrow",
    })
    void anythingElseIsInvalid(String value) {
        assertThat(HttpDate.parse(value, NOW)).as(value).isEqualTo(HttpDate.INVALID);
    }

    @Test
    void aFieldThatMustAppearOnceIsInvalidWhenRepeated() {
        assertThat(HttpDate.parseSingle(List.of("Sun, 06 Nov 1994 08:49:37 GMT"))).isEqualTo(NOV_6_1994);
        assertThat(HttpDate.parseSingle(List.of("Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT")))
                .isEqualTo(HttpDate.INVALID);
        assertThat(HttpDate.parseSingle(List.of())).isEqualTo(HttpDate.INVALID);
        assertThat(HttpDate.parse(null)).isEqualTo(HttpDate.INVALID);
    }
}
