package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.routing.RoutingTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local mode runs the operator's pipeline: EndpointSlice edits take the fast path, and give a full compile's table. */
class LocalModePipelineTest {

    private static String ingress() {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: site}
                spec:
                  rules:
                  - host: site.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                """;
    }

    private static String slice(String... addresses) {
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  ports: [{name: http, port: 80}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: web-1, labels: {kubernetes.io/service-name: web}}
                addressType: IPv4
                ports: [{name: http, port: 8080}]
                endpoints: [%s]
                """.formatted(String.join(", ", java.util.Arrays.stream(addresses)
                .map(a -> "{addresses: [\"" + a + "\"]}").toList()));
    }

    @Test
    void anEndpointSliceEditTakesTheFastPathAndGivesTheFullCompilersTable(@TempDir Path dir, @TempDir Path other)
            throws Exception {
        List<RoutingTable> served = new ArrayList<>();
        Files.writeString(dir.resolve("ingress.yaml"), ingress());
        Files.writeString(dir.resolve("web.yaml"), slice("10.0.0.1", "10.0.0.2"));
        try (LocalMode local = new LocalMode(dir, served::add, CompilerOptions.local(), m -> { })) {
            assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
            Files.writeString(dir.resolve("web.yaml"), slice("10.0.0.2"));
            LocalMode.Reload r = local.reload();

            assertThat(r.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
            assertThat(r.version()).isEqualTo(2);
            assertThat(local.stats().fullCompilations()).isEqualTo(1);
            assertThat(local.stats().fastPaths()).isEqualTo(1);

            Files.writeString(dir.resolve("ingress.yaml"), ingress().replace("site.example.com", "new.example.com"));
            assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
            assertThat(local.stats().fullCompilations()).isEqualTo(2);
        }
        Files.writeString(other.resolve("ingress.yaml"), ingress());
        Files.writeString(other.resolve("web.yaml"), slice("10.0.0.2"));
        List<RoutingTable> fresh = new ArrayList<>();
        try (LocalMode local = new LocalMode(other, fresh::add, CompilerOptions.local(), m -> { })) {
            local.reload();
        }
        assertThat(served.get(1).hash()).isEqualTo(fresh.get(0).hash());
        assertThat(served.get(1).virtualHosts()).isEqualTo(fresh.get(0).virtualHosts());
        assertThat(served.get(1).clusters()).isEqualTo(fresh.get(0).clusters());
    }

    @Test
    void aSliceEditAfterAnotherFileChangedUsesTheNewSlices(@TempDir Path dir, @TempDir Path other) throws Exception {
        List<RoutingTable> served = new ArrayList<>();
        Files.writeString(dir.resolve("ingress.yaml"), ingress());
        Files.writeString(dir.resolve("web.yaml"), slice("10.0.0.1", "10.0.0.2"));
        try (LocalMode local = new LocalMode(dir, served::add, CompilerOptions.local(), m -> { })) {
            local.reload();
            // a new host: Services and slices are the objects of the reading before, so their index is kept
            Files.writeString(dir.resolve("more.yaml"), ingress().replace("name: site", "name: more")
                    .replace("site.example.com", "more.example.com"));
            assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
            Files.writeString(dir.resolve("web.yaml"), slice("10.0.0.3"));
            assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
            assertThat(local.stats().fastPaths()).isEqualTo(1);
        }
        Files.writeString(other.resolve("ingress.yaml"), ingress());
        Files.writeString(other.resolve("more.yaml"), ingress().replace("name: site", "name: more")
                .replace("site.example.com", "more.example.com"));
        Files.writeString(other.resolve("web.yaml"), slice("10.0.0.3"));
        List<RoutingTable> fresh = new ArrayList<>();
        try (LocalMode local = new LocalMode(other, fresh::add, CompilerOptions.local(), m -> { })) {
            local.reload();
        }
        assertThat(served.get(2).hash()).isEqualTo(fresh.get(0).hash());
        assertThat(served.get(2).clusters()).isEqualTo(fresh.get(0).clusters());
    }

    /** A folder watch's event, as the JDK reports it. */
    static final class Event implements java.nio.file.WatchEvent<Object> {
        private final java.nio.file.WatchEvent.Kind<?> kind;
        private final Object context;

        Event(java.nio.file.WatchEvent.Kind<?> kind, Object context) {
            this.kind = kind;
            this.context = context;
        }

        @SuppressWarnings("unchecked")
        @Override
        public java.nio.file.WatchEvent.Kind<Object> kind() {
            return (java.nio.file.WatchEvent.Kind<Object>) kind;
        }

        @Override
        public int count() {
            return 1;
        }

        @Override
        public Object context() {
            return context;
        }
    }

    private static FolderChanges changes(Path dir, java.nio.file.WatchEvent.Kind<?> kind, String... names) {
        FolderChanges changes = new FolderChanges(dir);
        List<java.nio.file.WatchEvent<?>> events = new ArrayList<>();
        for (String name : names) {
            events.add(new Event(kind, Path.of(name)));
        }
        changes.take(events);
        return changes;
    }

    @Test
    void aSliceEditTheWatchNamesIsReadAloneAndTakesTheFastPath(@TempDir Path dir) throws Exception {
        List<RoutingTable> served = new ArrayList<>();
        Files.writeString(dir.resolve("ingress.yaml"), ingress());
        Files.writeString(dir.resolve("web.yaml"), slice("10.0.0.1", "10.0.0.2"));
        try (LocalMode local = new LocalMode(dir, served::add, CompilerOptions.local(), m -> { })) {
            local.reload();
            Files.writeString(dir.resolve("web.yaml"), slice("10.0.0.2"));
            // a change to ingress.yaml the watch did not name is not read
            Files.writeString(dir.resolve("ingress.yaml"), ingress().replace("site.example.com", "new.example.com"));
            LocalMode.Reload r = local.reload(changes(dir, java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY,
                    "web.yaml", ".web.yaml.tmp"));

            assertThat(r.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
            assertThat(local.stats().fastPaths()).isEqualTo(1);
            assertThat(local.stats().fullCompilations()).isEqualTo(1);
            assertThat(served.get(1).virtualHosts()).singleElement().satisfies(v -> assertThat(v.hostname())
                    .isEqualTo("site.example.com"));
            assertThat(served.get(1).clusters()).singleElement().satisfies(c -> assertThat(c.endpoints())
                    .singleElement().satisfies(e -> assertThat(e.address()).isEqualTo("10.0.0.2")));

            LocalMode.Reload nothing = local.reload(changes(dir,
                    java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY, "web.yaml"));
            assertThat(nothing.outcome()).isEqualTo(LocalMode.Outcome.UNCHANGED);
        }
    }

    @Test
    void anOverflowOfTheWatchReadsTheWholeFolder(@TempDir Path dir) throws Exception {
        List<RoutingTable> served = new ArrayList<>();
        Files.writeString(dir.resolve("ingress.yaml"), ingress());
        Files.writeString(dir.resolve("web.yaml"), slice("10.0.0.1", "10.0.0.2"));
        try (LocalMode local = new LocalMode(dir, served::add, CompilerOptions.local(), m -> { })) {
            local.reload();
            Files.writeString(dir.resolve("web.yaml"), slice("10.0.0.2"));
            Files.writeString(dir.resolve("ingress.yaml"), ingress().replace("site.example.com", "new.example.com"));
            // events were lost: whatever the events kept name, every file is looked at
            FolderChanges lost = changes(dir, java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY, "web.yaml");
            lost.take(List.<java.nio.file.WatchEvent<?>>of(new Event(java.nio.file.StandardWatchEventKinds.OVERFLOW,
                    null)));
            assertThat(lost.everything()).isTrue();
            LocalMode.Reload r = local.reload(lost);

            assertThat(r.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
            assertThat(local.stats().fullCompilations()).isEqualTo(2);
            assertThat(served.get(1).virtualHosts()).singleElement().satisfies(v -> assertThat(v.hostname())
                    .isEqualTo("new.example.com"));
            assertThat(served.get(1).clusters()).singleElement().satisfies(c -> assertThat(c.endpoints())
                    .singleElement().satisfies(e -> assertThat(e.address()).isEqualTo("10.0.0.2")));
        }
    }

    @Test
    void aTableTheSinkRefusedIsCompiledAgainOnTheNextReload(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ingress.yaml"), ingress());
        Files.writeString(dir.resolve("web.yaml"), slice("10.0.0.1"));
        boolean[] refuse = {true};
        List<String> reported = new ArrayList<>();
        try (LocalMode local = new LocalMode(dir, t -> {
            if (refuse[0]) {
                throw new IllegalArgumentException("not now");
            }
        }, CompilerOptions.local(), reported::add)) {
            assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.REJECTED);
            assertThat(reported).contains("error: the compiled table was refused: not now");
            refuse[0] = false;
            LocalMode.Reload again = local.reload();

            assertThat(again.outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
            assertThat(local.version()).isEqualTo(again.version()).isPositive();
        }
    }
}
