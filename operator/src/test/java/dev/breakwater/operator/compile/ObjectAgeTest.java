package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ObjectAgeTest {

    /** What OffsetDateTime.parse makes of {@code text}, or null when it refuses it. */
    private static Instant parsed(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Test
    void theApiServersFormIsReadAsOffsetDateTimeReadsIt() {
        Random random = new Random(15);
        for (int i = 0; i < 20_000; i++) {
            String text = String.format("%04d-%02d-%02dT%02d:%02d:%02dZ", random.nextInt(10_000), random.nextInt(14),
                    random.nextInt(33), random.nextInt(26), random.nextInt(62), random.nextInt(62));
            Instant expected = parsed(text);
            Instant read = ObjectAge.utcSeconds(text);
            // a text the formatter refuses is left to it (null here), never read otherwise
            if (read != null) {
                assertThat(read).as(text).isEqualTo(expected);
            } else {
                assertThat(expected).as(text).isNull();
            }
        }
        assertThat(ObjectAge.utcSeconds("2024-02-29T23:59:59Z")).isEqualTo(Instant.parse("2024-02-29T23:59:59Z"));
        assertThat(ObjectAge.utcSeconds("2023-02-29T00:00:00Z")).isNull();
    }

    @Test
    void otherFormsAreLeftToTheFormatter() {
        assertThat(ObjectAge.utcSeconds("2026-01-01T00:00:00.5Z")).isNull();
        assertThat(ObjectAge.utcSeconds("2026-01-01T00:00:00+01:00")).isNull();
        assertThat(ObjectAge.utcSeconds("2026-01-01 00:00:00Z")).isNull();
        assertThat(ObjectAge.utcSeconds("2026-0a-01T00:00:00Z")).isNull();
        assertThat(ObjectAge.utcSeconds("")).isNull();
    }
}
