package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file whose content did not change is not parsed again; everything that depends on other files still is. */
class ManifestLoaderReuseTest {

    private static String service(String name) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: %s
                spec:
                  ports:
                    - name: http
                      port: 80
                """.formatted(name);
    }

    @Test
    void anUnchangedFileGivesTheSameObjectsAndAChangedOneIsReadAgain(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), service("a"));
        Files.writeString(dir.resolve("b.yaml"), service("b"));
        ManifestLoader loader = new ManifestLoader();

        Manifests first = loader.load(dir);
        Files.writeString(dir.resolve("b.yaml"), service("b2"));
        Manifests second = loader.load(dir);

        assertThat(second.snapshot().services().get(0)).isSameAs(first.snapshot().services().get(0));
        assertThat(second.snapshot().services()).extracting(s -> s.getMetadata().getName()).containsExactly("a", "b2");
        assertThat(second.snapshot().services().get(0).getMetadata().getNamespace()).isEqualTo("default");
    }

    @Test
    void aDuplicateIsFoundWhateverFileStayedTheSame(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), service("a"));
        ManifestLoader loader = new ManifestLoader();
        assertThat(loader.load(dir).errors()).isEmpty();

        Files.writeString(dir.resolve("b.yaml"), service("a"));
        Manifests twice = loader.load(dir);
        Files.delete(dir.resolve("b.yaml"));
        Manifests once = loader.load(dir);

        assertThat(twice.errors()).singleElement().satisfies(e -> assertThat(e.toString())
                .contains("Service/default/a is defined twice"));
        assertThat(once.errors()).isEmpty();
        assertThat(once.snapshot().services()).hasSize(1);
    }

    @Test
    void aBrokenFileIsReportedEachTime(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), "kind: [");
        ManifestLoader loader = new ManifestLoader();

        assertThat(loader.load(dir).errors()).hasSize(1);
        assertThat(loader.load(dir).errors()).singleElement().satisfies(e -> assertThat(e.toString())
                .contains("invalid YAML"));
    }
}
