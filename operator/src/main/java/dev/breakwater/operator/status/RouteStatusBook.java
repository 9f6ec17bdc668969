package dev.breakwater.operator.status;

import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.compile.RouteStatusReport;
import dev.breakwater.operator.crd.Route;
import dev.breakwater.operator.publish.TablePublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the status of each Route should say, collected from the leader's compilations and the data planes'
 * answers; read by the Route status reconciler. For each Route it keeps the compiler's report, its diagnostics
 * (for Events) and the first table version that carried its generation, which the data planes must serve (or a
 * later one) for the Route to be {@code Programmed}. Updates return the Routes ({@code Route/namespace/name})
 * whose status may have to change, so that only those are looked at again.
 */
public final class RouteStatusBook {

    /**
     * The facts about one Route.
     *
     * @param report      Accepted and ResolvedRefs, with the generation compiled
     * @param diagnostics what the compiler found wrong with it
     * @param version     the first table version that carried {@code report.generation()}; 0 when that table
     *                    could not be published
     */
    public record RouteFacts(RouteStatusReport report, List<Diagnostic> diagnostics, long version) {
        public RouteFacts {
            Objects.requireNonNull(report, "report");
            diagnostics = List.copyOf(diagnostics);
        }
    }

    private final TablePublisher publisher;
    private final Clock clock;
    private final Duration takeoverGrace;

    // guarded by this; replaced, never changed
    private Map<String, RouteFacts> facts = Map.of();
    /** Programmed of each Route as last computed, to tell which ones a data-plane change concerns. */
    private Map<String, RouteStatusReport.Condition> programmed = Map.of();
    private boolean compiled;
    private Instant takeoverUntil = Instant.MIN;

    /**
     * @param publisher     where the tables go: who serves which version
     * @param takeoverGrace how long after this replica starts leading a {@code Programmed=True} is kept while no
     *                      data plane is connected yet (see {@link RouteConditions#keepDuringTakeover})
     */
    public RouteStatusBook(TablePublisher publisher, Clock clock, Duration takeoverGrace) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.takeoverGrace = Objects.requireNonNull(takeoverGrace, "takeoverGrace");
    }

    /**
     * Records a full compilation, served by table {@code version} (0: its table could not be published).
     *
     * @return the Routes whose facts or {@code Programmed} changed, or that are gone; all of them the first time
     */
    public Set<String> compiled(Compilation compilation, long version) {
        Map<String, List<Diagnostic>> byObject = new HashMap<>();
        for (Diagnostic d : compilation.diagnostics()) {
            if (d.object().startsWith("Route/")) {
                byObject.computeIfAbsent(d.object(), k -> new ArrayList<>()).add(d);
            }
        }
        synchronized (this) {
            Map<String, RouteFacts> next = new HashMap<>();
            for (RouteStatusReport report : compilation.routeStatuses()) {
                String object = report.object();
                RouteFacts before = facts.get(object);
                // the first version that carried this generation stays, as long as it was published
                long carrying = before != null && before.version() > 0
                        && Objects.equals(before.report().generation(), report.generation()) ? before.version() : version;
                next.put(object, new RouteFacts(report, byObject.getOrDefault(object, List.of()), carrying));
            }
            Set<String> changed = new HashSet<>();
            for (Map.Entry<String, RouteFacts> e : next.entrySet()) {
                if (!compiled || !e.getValue().equals(facts.get(e.getKey()))) {
                    changed.add(e.getKey());
                }
            }
            for (String gone : facts.keySet()) {
                if (!next.containsKey(gone)) {
                    changed.add(gone);
                }
            }
            facts = Map.copyOf(next);
            compiled = true;
            changed.addAll(recomputeProgrammed());
            return changed;
        }
    }

    /** The data planes' answers or connections changed: the Routes whose {@code Programmed} changed with them. */
    public synchronized Set<String> dataPlanesChanged() {
        return compiled ? recomputeProgrammed() : Set.of();
    }

    private Set<String> recomputeProgrammed() {
        Map<String, Long> acked = publisher.ackedVersions();
        Map<String, RouteStatusReport.Condition> next = new HashMap<>();
        Set<String> changed = new HashSet<>();
        for (Map.Entry<String, RouteFacts> e : facts.entrySet()) {
            RouteStatusReport.Condition now = RouteConditions.programmed(e.getValue().report(), e.getValue().version(),
                    acked, publisher::allAcked);
            next.put(e.getKey(), now);
            if (!now.equals(programmed.get(e.getKey()))) {
                changed.add(e.getKey());
            }
        }
        programmed = Map.copyOf(next);
        return changed;
    }

    /** The facts of {@code object} ({@code Route/namespace/name}); null before the first compilation or when unknown. */
    public synchronized RouteFacts facts(String object) {
        return compiled ? facts.get(object) : null;
    }

    /** {@code Programmed} of {@code object} now, from the data planes' latest answers; null when unknown. */
    public RouteStatusReport.Condition programmed(String object) {
        RouteFacts f = facts(object);
        return f == null ? null : RouteConditions.programmed(f.report(), f.version(), publisher.ackedVersions(),
                publisher::allAcked);
    }

    /** Every Route the last compilation saw. */
    public synchronized Set<String> routes() {
        return Set.copyOf(facts.keySet());
    }

    /**
     * This replica starts leading: forget the compilations (its own first one follows), and keep Routes
     * {@code Programmed} for the grace period while the data planes reconnect.
     */
    public synchronized void startTerm() {
        facts = Map.of();
        programmed = Map.of();
        compiled = false;
        takeoverUntil = clock.instant().plus(takeoverGrace);
    }

    /** True within the grace period after {@link #startTerm}. */
    public synchronized boolean inTakeover() {
        return clock.instant().isBefore(takeoverUntil);
    }

    public Duration takeoverGrace() {
        return takeoverGrace;
    }

    /** {@code Route/namespace/name}, as diagnostics and reports name it. */
    public static String objectName(Route route) {
        String namespace = route.getMetadata().getNamespace();
        return "Route/" + (namespace == null || namespace.isEmpty() ? "default" : namespace) + "/"
                + route.getMetadata().getName();
    }
}
