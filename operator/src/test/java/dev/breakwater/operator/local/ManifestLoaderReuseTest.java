package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
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
    void aFileWhoseStampSettledIsNotReadAgain(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), service("a"));
        Files.writeString(dir.resolve("b.yaml"), service("b"));
        ManifestLoader loader = new ManifestLoader(Duration.ZERO);

        Manifests first = loader.load(dir);
        Manifests second = loader.load(dir);

        assertThat(loader.filesRead()).isEqualTo(2);
        assertThat(second.snapshot().services()).containsExactlyElementsOf(first.snapshot().services());
    }

    @Test
    void aFileRewrittenSoonAfterItsStampIsReadAgainEvenWithTheSameSizeAndTime(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.yaml");
        Files.writeString(a, service("a"));
        FileTime time = Files.getLastModifiedTime(a);
        ManifestLoader loader = new ManifestLoader(); // the stamp is trusted only 3 s after the file's last change

        loader.load(dir);
        Files.writeString(a, service("z")); // same size
        Files.setLastModifiedTime(a, time);
        Manifests second = loader.load(dir);

        assertThat(loader.filesRead()).isEqualTo(2);
        assertThat(second.snapshot().services()).extracting(s -> s.getMetadata().getName()).containsExactly("z");
    }

    @Test
    void aSettledFileRewrittenWithItsOldSizeAndModificationTimeIsSeenByItsStatusChangeTime(@TempDir Path dir)
            throws IOException, InterruptedException {
        Path a = dir.resolve("a.yaml");
        Files.writeString(a, service("a"));
        FileTime anHourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        Files.setLastModifiedTime(a, anHourAgo);
        ManifestLoader loader = new ManifestLoader(Duration.ZERO);
        loader.load(dir);

        Thread.sleep(50); // past the coarse clock (one jiffy) the kernel stamps status changes with
        Files.writeString(a, service("z"));
        Files.setLastModifiedTime(a, anHourAgo);
        Manifests second = loader.load(dir);

        assertThat(second.snapshot().services()).extracting(s -> s.getMetadata().getName()).containsExactly("z");
    }

    @Test
    void aFileReplacedByAnotherWithTheSameSizeAndTimesIsReadAgain(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.yaml");
        Path other = dir.resolve(".other");
        Files.writeString(a, service("a"));
        FileTime anHourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        Files.setLastModifiedTime(a, anHourAgo);
        ManifestLoader loader = new ManifestLoader(Duration.ZERO);
        loader.load(dir);

        Files.writeString(other, service("z"));
        Files.setLastModifiedTime(other, anHourAgo);
        Files.move(other, a, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Manifests second = loader.load(dir);

        assertThat(loader.filesRead()).isEqualTo(2);
        assertThat(second.snapshot().services()).extracting(s -> s.getMetadata().getName()).containsExactly("z");
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
