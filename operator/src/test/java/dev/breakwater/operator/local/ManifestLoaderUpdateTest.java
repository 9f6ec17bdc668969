package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ManifestLoader#update}: a reading made from the one before by reading only the files named, and its changed
 * objects put in place; or none, when only a reading of the whole folder can say what it holds.
 */
class ManifestLoaderUpdateTest {

    private static String service(String name, String... addresses) {
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: %1$s}
                spec:
                  ports: [{name: http, port: 80}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: %1$s-1, labels: {kubernetes.io/service-name: %1$s}}
                addressType: IPv4
                ports: [{name: http, port: 8080}]
                endpoints: [%2$s]
                """.formatted(name, String.join(", ", java.util.Arrays.stream(addresses)
                .map(a -> "{addresses: [\"" + a + "\"]}").toList()));
    }

    private static String configMap(String value) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                data: {key: "%s"}
                """.formatted(value);
    }

    @Test
    void readsOnlyTheNamedFilesAndPutsTheirChangedObjectsInPlace(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), service("a", "10.0.0.1"));
        Files.writeString(dir.resolve("b.yaml"), service("b", "10.0.0.2", "10.0.0.3"));
        ManifestLoader loader = new ManifestLoader();
        Manifests first = loader.load(dir);
        int read = loader.filesRead();

        Files.writeString(dir.resolve("a.yaml"), service("a", "10.0.0.9"));
        Files.writeString(dir.resolve("b.yaml"), service("b", "10.0.0.3"));
        ManifestLoader.Update update = loader.update(dir, Set.of(dir.resolve("b.yaml"), dir.resolve(".b.yaml.tmp")));

        assertThat(update).isNotNull();
        assertThat(loader.filesRead()).isEqualTo(read + 1);
        assertThat(update.base()).isSameAs(first);
        EndpointSlice was = first.snapshot().endpointSlices().get(1);
        EndpointSlice now = update.manifests().snapshot().endpointSlices().get(1);
        assertThat(update.replaced()).containsExactly(new ManifestLoader.Replaced(was, now));
        assertThat(now.getEndpoints()).singleElement().satisfies(e -> assertThat(e.getAddresses())
                .containsExactly("10.0.0.3"));
        // a.yaml was not named: its change is not seen; b.yaml's Service, parsed again, is the object of before
        assertThat(update.manifests().snapshot().endpointSlices().get(0))
                .isSameAs(first.snapshot().endpointSlices().get(0));
        assertThat(update.manifests().snapshot().services()).containsExactlyElementsOf(first.snapshot().services());
        assertThat(update.manifests().snapshot().services().get(1)).isSameAs(first.snapshot().services().get(1));
        assertThat(update.manifests().fileOfObject()).isEqualTo(first.fileOfObject());
    }

    @Test
    void anUpdateIsTheBaseOfTheNextOnlyOnceKept(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("b.yaml"), service("b", "10.0.0.2"));
        ManifestLoader loader = new ManifestLoader();
        Manifests first = loader.load(dir);
        Set<Path> b = Set.of(dir.resolve("b.yaml"));

        Files.writeString(dir.resolve("b.yaml"), service("b", "10.0.0.3"));
        ManifestLoader.Update tried = loader.update(dir, b);
        int read = loader.filesRead();
        ManifestLoader.Update again = loader.update(dir, b);

        assertThat(again.base()).isSameAs(first);
        // not parsed again: the objects of the update tried, read once more and found the same by content hash
        assertThat(again.replaced()).singleElement().satisfies(r -> assertThat(r.after())
                .isSameAs(tried.replaced().get(0).after()));
        assertThat(loader.filesRead()).isEqualTo(read + 1);
        loader.keep(again);
        Files.writeString(dir.resolve("b.yaml"), service("b", "10.0.0.4"));
        ManifestLoader.Update next = loader.update(dir, b);
        assertThat(next.base()).isSameAs(again.manifests());
        assertThat(next.replaced()).singleElement().satisfies(r -> assertThat(r.before())
                .isSameAs(again.manifests().snapshot().endpointSlices().get(0)));
    }

    @Test
    void aFileAddedOrRemovedOrNamingOtherObjectsNeedsTheWholeFolder(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), service("a", "10.0.0.1"));
        Files.writeString(dir.resolve("b.yaml"), service("b", "10.0.0.2"));
        ManifestLoader loader = new ManifestLoader();
        loader.load(dir);

        Files.writeString(dir.resolve("c.yaml"), service("c", "10.0.0.3"));
        assertThat(loader.update(dir, Set.of(dir.resolve("c.yaml")))).isNull();
        Files.delete(dir.resolve("c.yaml"));
        assertThat(loader.update(dir, Set.of(dir.resolve("c.yaml")))).isNotNull(); // never read: nothing to do

        Files.delete(dir.resolve("b.yaml"));
        assertThat(loader.update(dir, Set.of(dir.resolve("b.yaml")))).isNull();
        Files.writeString(dir.resolve("b.yaml"), service("b2", "10.0.0.2"));
        assertThat(loader.update(dir, Set.of(dir.resolve("b.yaml")))).isNull();
        Files.writeString(dir.resolve("b.yaml"), service("b", "10.0.0.2") + "---\n" + configMap("x"));
        assertThat(loader.update(dir, Set.of(dir.resolve("b.yaml")))).isNull();
        Files.writeString(dir.resolve("b.yaml"), "kind: [");
        assertThat(loader.update(dir, Set.of(dir.resolve("b.yaml")))).isNull();
        assertThat(loader.update(dir.resolve("elsewhere"), Set.of())).isNull();
    }

    @Test
    void aChangeOfAKindNotReplacedInPlaceOrAReadingWithErrorsNeedsTheWholeFolder(@TempDir Path dir)
            throws IOException {
        Files.writeString(dir.resolve("settings.yaml"), configMap("x"));
        Files.writeString(dir.resolve("a.yaml"), service("a", "10.0.0.1"));
        ManifestLoader loader = new ManifestLoader();
        loader.load(dir);

        Files.writeString(dir.resolve("settings.yaml"), configMap("y"));
        assertThat(loader.update(dir, Set.of(dir.resolve("settings.yaml")))).isNull();
        Files.writeString(dir.resolve("settings.yaml"), configMap("x") + "# only a comment\n");
        assertThat(loader.update(dir, Set.of(dir.resolve("settings.yaml")))).isNotNull()
                .satisfies(u -> assertThat(u.replaced()).isEmpty());

        Files.writeString(dir.resolve("twice.yaml"), service("a", "10.0.0.1"));
        assertThat(loader.load(dir).errors()).isNotEmpty();
        Files.writeString(dir.resolve("a.yaml"), service("a", "10.0.0.2"));
        assertThat(loader.update(dir, Set.of(dir.resolve("a.yaml")))).isNull();
    }
}
