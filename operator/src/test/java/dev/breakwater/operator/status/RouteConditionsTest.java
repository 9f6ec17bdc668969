package dev.breakwater.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.compile.Compiler;
import dev.breakwater.operator.compile.RouteStatusReport;
import dev.breakwater.operator.crd.Route;
import dev.breakwater.operator.crd.RouteCondition;
import dev.breakwater.operator.crd.RouteStatus;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.publish.TablePublisher;
import dev.breakwater.routing.RoutingTable;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Route status: the conditions, when they change, and the facts the status book keeps; without a server. */
class RouteConditionsTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.750Z");
    private static final Instant T1 = Instant.parse("2026-03-01T10:05:00Z");

    private static RouteStatusReport report(long generation, boolean accepted, boolean resolved) {
        return new RouteStatusReport("shop", "web", generation,
                new RouteStatusReport.Condition("Accepted", accepted, accepted ? "Accepted" : "Invalid",
                        accepted ? "served" : "spec.rules[0].matches[0].path.value: bad"),
                new RouteStatusReport.Condition("ResolvedRefs", resolved, resolved ? "ResolvedRefs" : "BackendNotFound",
                        resolved ? "every Service, port and Secret named was found"
                                : "spec.rules[0].backends[0].name: Service shop/ghost does not exist"));
    }

    private static RouteStatusReport.Condition programmed(RouteStatusReport report, long version,
                                                          Map<String, Long> acked) {
        return RouteConditions.programmed(report, version, acked,
                v -> !acked.isEmpty() && acked.values().stream().allMatch(a -> a >= v));
    }

    // ---- Programmed

    @Test
    void programmedOnceEveryConnectedDataPlaneServesTheVersionCarryingTheGeneration() {
        RouteStatusReport r = report(3, true, true);
        RouteStatusReport.Condition done = programmed(r, 7, Map.of("n1/p1", 7L, "n2/p2", 9L));
        assertThat(done.status()).isTrue();
        assertThat(done.type()).isEqualTo("Programmed");
        assertThat(done.reason()).isEqualTo("Programmed");
        assertThat(done.message()).contains("table v7").contains("generation 3");

        RouteStatusReport.Condition pending = programmed(r, 7, Map.of("n1/p1", 7L, "n2/p2", 6L));
        assertThat(pending.status()).isFalse();
        assertThat(pending.reason()).isEqualTo("Pending");
        assertThat(pending.message()).contains("table v7 carries generation 3").contains("waiting");
        // a data plane that has not applied any table yet
        assertThat(programmed(r, 7, Map.of("n1/p1", -1L)).reason()).isEqualTo("Pending");
    }

    @Test
    void withoutDataPlanesOrAPublishedTableOrAnythingServedItIsNotProgrammed() {
        RouteStatusReport.Condition none = programmed(report(3, true, true), 7, Map.of());
        assertThat(none.status()).isFalse();
        assertThat(none.reason()).isEqualTo("NoDataPlanes");
        assertThat(none.message()).startsWith("no data plane is connected");
        // even with a publisher that calls "nobody connected" all acked
        assertThat(RouteConditions.programmed(report(3, true, true), 7, Map.of(), v -> true).reason())
                .isEqualTo("NoDataPlanes");

        RouteStatusReport.Condition unpublished = programmed(report(3, true, true), 0, Map.of("n1/p1", 5L));
        assertThat(unpublished.status()).isFalse();
        assertThat(unpublished.reason()).isEqualTo("Pending");
        assertThat(unpublished.message()).contains("could not be published");

        RouteStatusReport.Condition invalid = programmed(report(3, false, true), 7, Map.of("n1/p1", 7L));
        assertThat(invalid.status()).isFalse();
        assertThat(invalid.reason()).isEqualTo("NotAccepted");
    }

    @Test
    void versionsOfLaterTermsAreDescribedWithTheirTerm() {
        long version = (2L << 32) | 5;
        assertThat(programmed(report(1, true, true), version, Map.of("a", version)).message()).contains("table v2.5");
    }

    // ---- the conditions written

    @Test
    void desiredStatusCarriesTheGenerationEverywhereAndTimesInWholeSeconds() {
        RouteStatusReport r = report(4, true, false);
        RouteStatus status = RouteConditions.desired(null, 4L, List.of(r.accepted(), r.resolvedRefs(),
                programmed(r, 2, Map.of())), T0);
        assertThat(status.observedGeneration).isEqualTo(4L);
        assertThat(status.conditions).extracting(c -> c.type).containsExactly("Accepted", "ResolvedRefs", "Programmed");
        assertThat(status.conditions).extracting(c -> c.status).containsExactly(RouteCondition.Status.TRUE,
                RouteCondition.Status.FALSE, RouteCondition.Status.FALSE);
        assertThat(status.conditions).allSatisfy(c -> {
            assertThat(c.observedGeneration).isEqualTo(4L);
            assertThat(c.lastTransitionTime).isEqualTo("2026-03-01T10:00:00Z");
        });
        RouteCondition refs = status.conditions.get(1);
        assertThat(refs.reason).isEqualTo("BackendNotFound");
        assertThat(refs.message).isEqualTo("spec.rules[0].backends[0].name: Service shop/ghost does not exist");
        assertThat(status.conditions.get(2).reason).isEqualTo("NoDataPlanes");
    }

    @Test
    void lastTransitionTimeChangesOnlyWithTheStatus() {
        RouteStatusReport r = report(4, true, true);
        RouteStatus before = RouteConditions.desired(null, 4L,
                List.of(r.accepted(), r.resolvedRefs(), programmed(r, 2, Map.of("a", 1L))), T0);

        // the same facts later: nothing to write
        RouteStatus again = RouteConditions.desired(before, 4L,
                List.of(r.accepted(), r.resolvedRefs(), programmed(r, 2, Map.of("a", 1L))), T1);
        assertThat(RouteConditions.same(before, again)).isTrue();

        // Programmed flips: its time moves, the others keep theirs
        RouteStatus acked = RouteConditions.desired(before, 4L,
                List.of(r.accepted(), r.resolvedRefs(), programmed(r, 2, Map.of("a", 2L))), T1);
        assertThat(RouteConditions.same(before, acked)).isFalse();
        assertThat(acked.conditions).extracting(c -> c.lastTransitionTime)
                .containsExactly("2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z", "2026-03-01T10:05:00Z");

        // a new generation with the same statuses: reason, message and generations change, the times do not
        RouteStatusReport r5 = report(5, true, true);
        RouteStatus next = RouteConditions.desired(acked, 5L,
                List.of(r5.accepted(), r5.resolvedRefs(), programmed(r5, 3, Map.of("a", 1L))),
                T1.plusSeconds(60));
        assertThat(RouteConditions.same(acked, next)).isFalse();
        assertThat(next.observedGeneration).isEqualTo(5L);
        assertThat(next.conditions.get(2).reason).isEqualTo("Pending");
        assertThat(next.conditions).extracting(c -> c.lastTransitionTime)
                .containsExactly("2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z", "2026-03-01T10:06:00Z");
        assertThat(next.conditions).extracting(c -> c.observedGeneration).containsOnly(5L);
    }

    @Test
    void aStatusSomeoneElseChangedIsNotTheSame() {
        RouteStatusReport r = report(1, true, true);
        RouteStatus ours = RouteConditions.desired(null, 1L,
                List.of(r.accepted(), r.resolvedRefs(), programmed(r, 1, Map.of("a", 1L))), T0);
        RouteStatus theirs = RouteConditions.desired(null, 1L,
                List.of(r.accepted(), r.resolvedRefs(), programmed(r, 1, Map.of("a", 1L))), T0);
        theirs.conditions.get(0).message = "edited";
        assertThat(RouteConditions.same(ours, theirs)).isFalse();
        theirs = RouteConditions.desired(null, 1L, List.of(r.accepted(), r.resolvedRefs()), T0);
        assertThat(RouteConditions.same(ours, theirs)).isFalse();
        assertThat(RouteConditions.same(null, ours)).isFalse();
        assertThat(RouteConditions.same(null, null)).isTrue();
    }

    @Test
    void aNewLeaderKeepsProgrammedTrueOfTheSameGenerationWhileDataPlanesReconnect() {
        RouteStatusReport r = report(2, true, true);
        RouteStatus programmedBefore = RouteConditions.desired(null, 2L,
                List.of(r.accepted(), r.resolvedRefs(), programmed(r, 5, Map.of("a", 5L))), T0);
        RouteStatusReport.Condition none = programmed(r, (1L << 32) | 1, Map.of());

        RouteStatusReport.Condition kept = RouteConditions.keepDuringTakeover(none, programmedBefore, 2L);
        assertThat(kept.status()).isTrue();
        assertThat(kept.reason()).isEqualTo("Programmed");
        assertThat(kept.message()).isEqualTo(programmedBefore.conditions.get(2).message);
        // not for another generation, nor for anything but NoDataPlanes
        assertThat(RouteConditions.keepDuringTakeover(none, programmedBefore, 3L)).isEqualTo(none);
        RouteStatusReport.Condition pending = programmed(r, 9, Map.of("a", 5L));
        assertThat(RouteConditions.keepDuringTakeover(pending, programmedBefore, 2L)).isEqualTo(pending);
        assertThat(RouteConditions.keepDuringTakeover(none, null, 2L)).isEqualTo(none);
    }

    @Test
    void theStatusPatchIsTheSmallestRouteSayingIt() {
        Route route = Fixtures.route("shop", "web").hostnames("web.example.com").rule().backend("web", 80).build();
        route.getMetadata().setGeneration(3L);
        route.getMetadata().setUid("u-1");
        RouteStatusReport r = report(3, true, true);
        RouteStatus status = RouteConditions.desired(null, 3L, List.of(r.accepted(), r.resolvedRefs()), T0);
        Route patch = RouteConditions.statusPatch(route, status);
        String json = Serialization.asJson(patch);
        assertThat(json).contains("\"apiVersion\":\"breakwater.dev/v1alpha1\"", "\"kind\":\"Route\"",
                "\"name\":\"web\"", "\"namespace\":\"shop\"", "\"observedGeneration\":3", "\"status\":\"True\"");
        assertThat(json).doesNotContain("\"spec\"", "u-1", "hostnames", "\"generation\"");
    }

    // ---- Events

    @Test
    void routeDiagnosticsBecomeEventsWithReasonsOfTheirOwn() {
        String route = "Route/shop/web";
        assertThat(EventReasons.of(Diagnostic.error(route, "spec.rules[0].backends[1].name", "Service x does not exist")))
                .isEqualTo("BackendNotResolved");
        assertThat(EventReasons.of(Diagnostic.error(route, "spec.rules[0].backends[0].port", "x")))
                .isEqualTo("BackendNotResolved");
        assertThat(EventReasons.of(Diagnostic.error(route, "spec.tls.secretName", "x"))).isEqualTo("InvalidTLS");
        assertThat(EventReasons.of(Diagnostic.error(route, "spec.hostnames[2]", "x"))).isEqualTo("InvalidHost");
        assertThat(EventReasons.of(Diagnostic.error(route, "spec.rules[1].matches[0].path.value", "x")))
                .isEqualTo("InvalidMatch");
        assertThat(EventReasons.of(Diagnostic.warning(route, "spec.rules[1].matches[0]",
                "conflicts with Ingress/shop/old, which is older and serves it"))).isEqualTo("PathConflict");
        assertThat(EventReasons.of(Diagnostic.error(route, "spec.rules[0].filters", "x"))).isEqualTo("InvalidFilter");
        assertThat(EventReasons.of(Diagnostic.warning(route, "spec.rules[0].rateLimit", "x"))).isEqualTo("NotSupported");
        assertThat(EventReasons.of(Diagnostic.error(route, "spec.rules", "x"))).isEqualTo("InvalidRoute");
        assertThat(EventReasons.of(Diagnostic.error(route, null, "x"))).isEqualTo("InvalidRoute");
    }

    // ---- the book

    /** A publisher whose data planes' versions the test sets. */
    private static final class DataPlanes implements TablePublisher {
        final Map<String, Long> acked = new TreeMap<>();

        @Override
        public void publish(RoutingTable table) {
        }

        @Override
        public synchronized Map<String, Long> ackedVersions() {
            return Map.copyOf(acked);
        }

        synchronized void set(String id, long version) {
            acked.put(id, version);
        }
    }

    private static Compilation compile(Route... routes) {
        ClusterSnapshot snapshot = new ClusterSnapshot(List.of(), List.of(),
                List.of(Fixtures.service("shop", "web").port("http", 80, 8080).build()),
                List.of(Fixtures.endpointSlice("shop", "web-1", "web").port("http", 8080).endpoint("10.0.0.1").build()),
                List.of(), List.of(routes));
        return Compiler.compile(snapshot, CompilerOptions.defaults());
    }

    private static Route route(String name, String service, long generation) {
        Route route = Fixtures.route("shop", name).hostnames(name + ".example.com").rule().backend(service, 80).build();
        route.getMetadata().setGeneration(generation);
        route.getMetadata().setCreationTimestamp("2026-01-01T00:00:0" + name.length() + "Z");
        return route;
    }

    @Test
    void theBookKeepsTheFirstVersionThatCarriedEachGeneration() {
        DataPlanes planes = new DataPlanes();
        RouteStatusBook book = new RouteStatusBook(planes, Clock.fixed(T0, ZoneOffset.UTC), Duration.ofSeconds(30));
        assertThat(book.facts("Route/shop/web")).isNull();

        Set<String> changed = book.compiled(compile(route("web", "web", 1), route("ghost", "ghost", 1)), 4);
        assertThat(changed).containsExactlyInAnyOrder("Route/shop/web", "Route/shop/ghost");
        RouteStatusBook.RouteFacts web = book.facts("Route/shop/web");
        assertThat(web.version()).isEqualTo(4);
        assertThat(web.report().resolvedRefs().status()).isTrue();
        assertThat(web.diagnostics()).isEmpty();
        RouteStatusBook.RouteFacts ghost = book.facts("Route/shop/ghost");
        assertThat(ghost.report().accepted().status()).isTrue(); // served: its backend answers 503
        assertThat(ghost.report().resolvedRefs().reason()).isEqualTo("BackendNotFound");
        assertThat(ghost.report().resolvedRefs().message()).contains("Service shop/ghost does not exist");
        assertThat(ghost.diagnostics()).extracting(Diagnostic::field).contains("spec.rules[0].backends[0].name");
        assertThat(book.programmed("Route/shop/web").reason()).isEqualTo("NoDataPlanes");

        // the same generations compiled into a later table: nothing changed, v4 still carries them
        assertThat(book.compiled(compile(route("web", "web", 1), route("ghost", "ghost", 1)), 6)).isEmpty();
        assertThat(book.facts("Route/shop/web").version()).isEqualTo(4);

        // data planes come and answer: only what their answers change is reported
        planes.set("n1/p1", -1);
        assertThat(book.dataPlanesChanged()).containsExactlyInAnyOrder("Route/shop/web", "Route/shop/ghost");
        assertThat(book.programmed("Route/shop/web").reason()).isEqualTo("Pending");
        assertThat(book.dataPlanesChanged()).isEmpty();
        planes.set("n1/p1", 5);
        assertThat(book.dataPlanesChanged()).containsExactlyInAnyOrder("Route/shop/web", "Route/shop/ghost");
        assertThat(book.programmed("Route/shop/web").status()).isTrue();

        // a new generation of web: carried first by v7, pending until it is served
        assertThat(book.compiled(compile(route("web", "web", 2), route("ghost", "ghost", 1)), 7))
                .containsExactly("Route/shop/web");
        assertThat(book.facts("Route/shop/web").version()).isEqualTo(7);
        assertThat(book.programmed("Route/shop/web").reason()).isEqualTo("Pending");
        assertThat(book.programmed("Route/shop/ghost").status()).isTrue();
        planes.set("n1/p1", 7);
        assertThat(book.dataPlanesChanged()).containsExactly("Route/shop/web");

        // a generation whose table could not be published takes the version of the next table that is
        assertThat(book.compiled(compile(route("web", "web", 3), route("ghost", "ghost", 1)), 0))
                .containsExactly("Route/shop/web");
        assertThat(book.programmed("Route/shop/web").message()).contains("could not be published");
        assertThat(book.compiled(compile(route("web", "web", 3), route("ghost", "ghost", 1)), 8))
                .containsExactly("Route/shop/web");
        assertThat(book.facts("Route/shop/web").version()).isEqualTo(8);

        // a Route that is gone is reported (its reconcile finds no facts and writes nothing)
        assertThat(book.compiled(compile(route("web", "web", 3)), 8)).containsExactly("Route/shop/ghost");
        assertThat(book.facts("Route/shop/ghost")).isNull();
        assertThat(book.routes()).containsExactly("Route/shop/web");
    }

    @Test
    void aNewTermForgetsTheCompilationsAndStartsTheTakeoverGrace() {
        Instant[] now = {T0};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        RouteStatusBook book = new RouteStatusBook(new DataPlanes(), clock, Duration.ofSeconds(30));
        assertThat(book.inTakeover()).isFalse();
        book.compiled(compile(route("web", "web", 1)), 3);
        book.startTerm();
        assertThat(book.facts("Route/shop/web")).isNull();
        assertThat(book.dataPlanesChanged()).isEmpty();
        assertThat(book.inTakeover()).isTrue();
        now[0] = T0.plusSeconds(31);
        assertThat(book.inTakeover()).isFalse();
        assertThat(book.compiled(compile(route("web", "web", 1)), (1L << 32) | 1)).containsExactly("Route/shop/web");
    }
}
