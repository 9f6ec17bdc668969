package dev.breakwater.operator.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.routing.CachePolicy;
import dev.breakwater.routing.Compression;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cache and compression annotations, read as typed settings. */
class CacheAnnotationsTest {

    private final List<Diagnostic> diagnostics = new ArrayList<>();

    private IngressSettings read(String... pairs) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return IngressSettings.read("web", "shop", m, diagnostics);
    }

    @Test
    void offByDefault() {
        IngressSettings a = read();
        assertThat(a.route().cache()).isNull();
        assertThat(a.route().compression()).isNull();
        assertThat(diagnostics).isEmpty();
    }

    @Test
    void cacheOnWithEverySetting() {
        IngressSettings a = read("breakwater.dev/cache", "true", "breakwater.dev/cache-default-ttl", "5m",
                "breakwater.dev/cache-max-object-size", "2m", "breakwater.dev/cache-stale-while-revalidate", "30s",
                "breakwater.dev/cache-stale-if-error", "1h", "breakwater.dev/cache-store-set-cookie", "true",
                "breakwater.dev/cache-purge-generation", "7");
        assertThat(a.route().cache()).isEqualTo(new CachePolicy(300L, 2L << 20, 30L, 3600L, true, 7));
        assertThat(diagnostics).isEmpty();
    }

    @Test
    void theHeuristicCapAndTargetedFields() {
        IngressSettings a = read("breakwater.dev/cache", "true", "breakwater.dev/cache-heuristic-max", "1h",
                "breakwater.dev/cache-targeted-cache-control", "true");
        assertThat(a.route().cache()).isEqualTo(new CachePolicy(null, null, null, null, false, 0, 3600L, true));
        IngressSettings off = read("breakwater.dev/cache", "true", "breakwater.dev/cache-heuristic-max", "0");
        assertThat(off.route().cache().heuristicMaxSeconds()).isZero();
        assertThat(off.route().cache().targetedCacheControl()).isNull();
        assertThat(diagnostics).isEmpty();
        read("breakwater.dev/cache", "true", "breakwater.dev/cache-heuristic-max", "a while");
        assertThat(diagnostics.toString()).contains("breakwater.dev/cache-heuristic-max", "\"a while\"");
    }

    @Test
    void cacheOnAloneTakesTheDataPlaneDefaults() {
        assertThat(read("breakwater.dev/cache", "true").route().cache()).isEqualTo(CachePolicy.DEFAULTS);
    }

    @Test
    void badValuesAreWarnedNamingTheAnnotationAndIgnored() {
        IngressSettings a = read("breakwater.dev/cache", "true", "breakwater.dev/cache-default-ttl", "soon",
                "breakwater.dev/cache-max-object-size", "big", "breakwater.dev/cache-purge-generation", "-1");
        assertThat(a.route().cache()).isEqualTo(CachePolicy.DEFAULTS);
        assertThat(diagnostics).hasSize(3);
        assertThat(diagnostics).allSatisfy(d -> assertThat(d.object()).contains("web"));
        assertThat(diagnostics.toString()).contains("breakwater.dev/cache-default-ttl", "\"soon\"",
                "breakwater.dev/cache-max-object-size", "breakwater.dev/cache-purge-generation");
    }

    @Test
    void settingsWithoutTheSwitchAreWarnedAsHavingNoEffect() {
        IngressSettings a = read("breakwater.dev/cache-default-ttl", "60s", "breakwater.dev/compression-types",
                "text/html");
        assertThat(a.route().cache()).isNull();
        assertThat(a.route().compression()).isNull();
        assertThat(diagnostics.toString()).contains("has no effect without breakwater.dev/cache: \"true\"",
                "has no effect without breakwater.dev/compression: \"true\"");
    }

    @Test
    void compressionWithTypesAndMinimumSize() {
        IngressSettings a = read("breakwater.dev/compression", "true", "breakwater.dev/compression-min-size", "2k",
                "breakwater.dev/compression-types", "text/html, application/*+json, Text/CSS, not a type");
        assertThat(a.route().compression()).isEqualTo(new Compression(2048L,
                List.of("text/html", "application/*+json", "text/css")));
        assertThat(diagnostics.toString()).contains("\"not a type\" is not a media type");
    }

    @Test
    void aTypoUnderOurPrefixIsWarned() {
        read("breakwater.dev/cache", "true", "breakwater.dev/cache-ttl", "60s");
        assertThat(diagnostics.toString()).contains("breakwater.dev/cache-ttl");
    }
}
