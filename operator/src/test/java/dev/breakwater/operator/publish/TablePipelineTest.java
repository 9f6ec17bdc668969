package dev.breakwater.operator.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.RoutingTable;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TablePipelineTest {

    /** A cluster made of plain lists. */
    static final class ListView implements ClusterView {
        final List<Ingress> ingresses = new CopyOnWriteArrayList<>();
        final List<Service> services = new CopyOnWriteArrayList<>();
        final List<EndpointSlice> slices = new CopyOnWriteArrayList<>();
        int snapshots;

        @Override
        public ClusterSnapshot snapshot() {
            snapshots++;
            return new ClusterSnapshot(ingresses, List.of(), services, slices, List.of());
        }

        @Override
        public Service service(String namespace, String name) {
            return services.stream().filter(s -> s.getMetadata().getNamespace().equals(namespace)
                    && s.getMetadata().getName().equals(name)).findFirst().orElse(null);
        }

        @Override
        public List<EndpointSlice> endpointSlices(String namespace, String service) {
            return slices.stream().filter(s -> s.getMetadata().getNamespace().equals(namespace)
                    && service.equals(s.getMetadata().getLabels().get("kubernetes.io/service-name"))).toList();
        }

        void slice(String name, String service, String... addresses) {
            slices.removeIf(s -> s.getMetadata().getName().equals(name));
            if (addresses.length > 0) {
                slices.add(Fixtures.endpointSlice("default", name, service).port("http", 8080).endpoint(addresses)
                        .build());
            }
        }
    }

    private final ManualScheduler clock = new ManualScheduler();
    private final ListView view = new ListView();
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final List<Compilation> compilations = new ArrayList<>();
    private final TablePipeline pipeline = TablePipeline.builder().view(view).options(CompilerOptions.local(null))
            .clock(null).publisher(publisher).listener((snapshot, compilation, version) -> compilations.add(compilation))
            .debounce(Duration.ofMillis(50), Duration.ofMillis(500)).scheduler(clock, clock::now).build();

    TablePipelineTest() {
        view.ingresses.add(Fixtures.ingress("default", "web").host("web.example.com").prefix("/", "web", 80)
                .prefix("/api", "api", 80).build());
        view.services.add(Fixtures.service("default", "web").port("http", 80, 8080).build());
        view.services.add(Fixtures.service("default", "api").port("http", 80, 8080).build());
        view.slice("web-1", "web", "10.0.0.1");
        view.slice("api-1", "api", "10.0.1.1");
    }

    @AfterEach
    void close() {
        pipeline.close();
    }

    private void settle() {
        clock.advanceMillis(1000);
    }

    private List<String> endpoints(RoutingTable table, String cluster) {
        return table.cluster(cluster).endpoints().stream().map(Endpoint::authority).toList();
    }

    @Test
    void theListenerIsToldTheVersionServingEachCompilation_or0WhenPublishingFailed() {
        List<Long> versions = new ArrayList<>();
        boolean[] failing = {true};
        RecordingPublisher recording = new RecordingPublisher();
        TablePublisher flaky = new TablePublisher() {
            @Override
            public void publish(RoutingTable table) {
                if (failing[0]) {
                    throw new IllegalStateException("the channel is down");
                }
                recording.publish(table);
            }

            @Override
            public java.util.Map<String, Long> ackedVersions() {
                return recording.ackedVersions();
            }
        };
        try (TablePipeline p = TablePipeline.builder().view(view).options(CompilerOptions.local(null)).clock(null)
                .publisher(flaky).listener((snapshot, compilation, version) -> versions.add(version))
                .scheduler(clock, clock::now).build()) {
            p.synced();
            p.startLeading(0);
            settle();
            failing[0] = false;
            p.objectsChanged();
            settle();
            p.objectsChanged(); // the same table: served by the version published before
            settle();
            assertThat(versions).containsExactly(0L, 2L, 2L);
            assertThat(recording.tables()).extracting(RoutingTable::version).containsExactly(2L);
        }
    }

    @Test
    void nothingIsCompiledBeforeTheCachesSyncedAndThisReplicaLeads() {
        pipeline.objectsChanged();
        settle();
        pipeline.startLeading(0);
        settle();
        assertThat(view.snapshots).isZero();
        pipeline.synced();
        settle();
        assertThat(publisher.count()).isEqualTo(1);
        assertThat(publisher.last().version()).isEqualTo(1);
        assertThat(endpoints(publisher.last(), "default/web:http")).containsExactly("10.0.0.1:8080");
    }

    @Test
    void aChangeThatCompilesToTheSameTableGetsNoNewVersion() {
        pipeline.synced();
        pipeline.startLeading(0);
        settle();
        view.ingresses.set(0, Fixtures.ingress("default", "web").annotation("team", "blue")
                .host("web.example.com").prefix("/", "web", 80).prefix("/api", "api", 80).build());
        pipeline.objectsChanged();
        settle();
        assertThat(pipeline.stats().fullCompilations()).isEqualTo(2);
        assertThat(pipeline.stats().unchanged()).isEqualTo(1);
        assertThat(publisher.count()).isEqualTo(1);
    }

    @Test
    void changesAreDebouncedIntoOneCompilation() {
        pipeline.synced();
        pipeline.startLeading(0);
        settle();
        for (int i = 2; i < 12; i++) {
            view.slice("web-1", "web", "10.0.0." + i);
            pipeline.endpointSlicesChanged("default/web");
            pipeline.objectsChanged();
            clock.advanceMillis(10);
        }
        settle();
        assertThat(pipeline.stats().fullCompilations()).isEqualTo(2);
        assertThat(publisher.count()).isEqualTo(2);
        assertThat(endpoints(publisher.last(), "default/web:http")).containsExactly("10.0.0.11:8080");
    }

    @Test
    void anEndpointOnlyChangeIsAppliedAfterTheShorterEndpointQuiet_anObjectChangeAfterItsOwn() {
        pipeline.synced();
        pipeline.startLeading(0);
        settle();
        int published = publisher.count();
        view.slice("web-1", "web", "10.0.0.1", "10.0.0.2");
        pipeline.endpointSlicesChanged("default/web");
        clock.advanceMillis(9);
        assertThat(publisher.count()).isEqualTo(published);
        clock.advanceMillis(1); // the builder's default endpoint quiet: 10 ms
        assertThat(publisher.count()).isEqualTo(published + 1);
        assertThat(endpoints(publisher.last(), "default/web:http")).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");

        view.ingresses.add(Fixtures.ingress("default", "other").host("other.example.com").prefix("/", "web", 80)
                .build());
        pipeline.objectsChanged();
        clock.advanceMillis(5);
        view.slice("web-1", "web", "10.0.0.3");
        pipeline.endpointSlicesChanged("default/web");
        clock.advanceMillis(44);
        assertThat(publisher.count()).as("the object change's 50 ms quiet still holds").isEqualTo(published + 1);
        clock.advanceMillis(1);
        assertThat(publisher.count()).isEqualTo(published + 2);
        assertThat(publisher.last().virtualHosts()).anyMatch(v -> v.hostname().equals("other.example.com"));
        assertThat(endpoints(publisher.last(), "default/web:http")).containsExactly("10.0.0.3:8080");
    }

    @Test
    void eachCompilationIsTimedByKindInTheRegistry() {
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
                new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        try (TablePipeline p = TablePipeline.builder().view(view).options(CompilerOptions.local(null)).clock(null)
                .publisher(new RecordingPublisher()).meterRegistry(registry).scheduler(clock, clock::now).build()) {
            p.synced();
            p.startLeading(0);
            settle();
            view.slice("web-1", "web", "10.0.0.1", "10.0.0.2");
            p.endpointSlicesChanged("default/web");
            settle();
            assertThat(p.stats().fullCompilations()).isEqualTo(1);
            assertThat(p.stats().fastPaths()).isEqualTo(1);
        }
        String scrape = registry.scrape();
        assertThat(scrape).contains("breakwater_operator_compile_duration_seconds_count{kind=\"full\"} 1")
                .contains("breakwater_operator_compile_duration_seconds_count{kind=\"endpoints\"} 1")
                .contains("breakwater_operator_compile_duration_seconds_bucket{kind=\"full\",le=");
    }

    @Test
    void endpointSliceChangesTakeTheFastPath() {
        pipeline.synced();
        pipeline.startLeading(0);
        settle();
        int snapshots = view.snapshots;
        view.slice("web-1", "web", "10.0.0.1", "10.0.0.2");
        pipeline.endpointSlicesChanged("default/web");
        settle();
        assertThat(view.snapshots).isEqualTo(snapshots); // no full snapshot was even taken
        assertThat(pipeline.stats().fastPaths()).isEqualTo(1);
        assertThat(pipeline.stats().fullCompilations()).isEqualTo(1);
        assertThat(publisher.count()).isEqualTo(2);
        assertThat(endpoints(publisher.last(), "default/web:http")).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");
        assertThat(endpoints(publisher.last(), "default/api:http")).containsExactly("10.0.1.1:8080");
        assertThat(compilations).hasSize(1); // the fast path changes no diagnostics, so status hears nothing
    }

    @Test
    void aServiceLosingItsLastSliceGoesTheFullWay_forItsDiagnostic() {
        pipeline.synced();
        pipeline.startLeading(0);
        settle();
        view.slice("api-1", "api");
        pipeline.endpointSlicesChanged("default/api");
        settle();
        assertThat(pipeline.stats().fastPaths()).isZero();
        assertThat(pipeline.stats().fullCompilations()).isEqualTo(2);
        assertThat(compilations.get(1).diagnostics()).anyMatch(d -> d.reason().contains("has no EndpointSlice"));
        view.slice("api-1", "api", "10.0.1.9");
        pipeline.endpointSlicesChanged("default/api");
        settle();
        assertThat(pipeline.stats().fullCompilations()).isEqualTo(3);
        assertThat(compilations.get(2).diagnostics()).isEmpty();
        assertThat(endpoints(publisher.last(), "default/api:http")).containsExactly("10.0.1.9:8080");
    }

    @Test
    void aSliceChangeMixedWithAnotherChangeCompilesEverything() {
        pipeline.synced();
        pipeline.startLeading(0);
        settle();
        view.slice("web-1", "web", "10.0.0.3");
        pipeline.endpointSlicesChanged("default/web");
        view.ingresses.add(Fixtures.ingress("default", "other").host("other.example.com").prefix("/", "web", 80)
                .build());
        pipeline.objectsChanged();
        settle();
        assertThat(pipeline.stats().fastPaths()).isZero();
        assertThat(publisher.last().virtualHosts()).hasSize(2);
        assertThat(endpoints(publisher.last(), "default/web:http")).containsExactly("10.0.0.3:8080");
    }

    @Test
    void aStandbyPublishesNothingAndANewTermStartsAtItsOwnVersions() {
        pipeline.synced();
        settle();
        assertThat(publisher.count()).isZero();
        pipeline.startLeading(0);
        settle();
        view.slice("web-1", "web", "10.0.0.5");
        pipeline.endpointSlicesChanged("default/web");
        settle();
        assertThat(publisher.tables()).extracting(RoutingTable::version).containsExactly(1L, 2L);

        pipeline.stopLeading();
        assertThat(publisher.withdrawals()).isEqualTo(1);
        view.slice("web-1", "web", "10.0.0.6");
        pipeline.endpointSlicesChanged("default/web");
        settle();
        assertThat(publisher.count()).isEqualTo(2);

        // leading again (the Lease changed hands twice meanwhile): the table is published at once, in the new
        // term, even though another leader may have published the same content
        pipeline.startLeading(2);
        settle();
        assertThat(publisher.tables()).extracting(RoutingTable::version).containsExactly(1L, 2L, (2L << 32) + 1);
        assertThat(TableVersions.describe(publisher.last().version())).isEqualTo("2.1");
        assertThat(endpoints(publisher.last(), "default/web:http")).containsExactly("10.0.0.6:8080");
    }
}
