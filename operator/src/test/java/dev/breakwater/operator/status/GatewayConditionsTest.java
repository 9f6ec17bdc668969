package dev.breakwater.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.compile.GatewayApiStatus;
import dev.breakwater.operator.compile.RouteStatusReport;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status written for Gateways and HTTPRoutes, from the compiler's facts. */
class GatewayConditionsTest {

    private static final Instant T1 = Instant.parse("2026-12-01T10:00:00.700Z");
    private static final Instant T2 = Instant.parse("2026-12-02T10:00:00Z");
    private static final String OURS = GatewayApiStatus.CONTROLLER_NAME;

    private static RouteStatusReport.Condition c(String type, boolean status, String reason) {
        return new RouteStatusReport.Condition(type, status, reason, reason + " message");
    }

    private static GatewayApiStatus.GatewayReport gateway(boolean listenerAccepted) {
        return new GatewayApiStatus.GatewayReport("infra", "edge", 4L, c("Accepted", true, "Accepted"),
                List.of(new GatewayApiStatus.ListenerReport("http", List.of("gateway.networking.k8s.io/HTTPRoute"), 2,
                        listenerAccepted ? c("Accepted", true, "Accepted") : c("Accepted", false, "PortUnavailable"),
                        c("ResolvedRefs", true, "ResolvedRefs"), c("Conflicted", false, "NoConflicts"))));
    }

    private static Condition find(List<Condition> conditions, String type) {
        return conditions.stream().filter(x -> x.getType().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void aGatewaysConditionsCarryItsGenerationAndKeepTheirTimeWhileTheirStatusStays() {
        RouteStatusReport.Condition programmed = c("Programmed", true, "Programmed");
        GatewayStatus first = GatewayConditions.gateway(null, gateway(true), programmed,
                List.of(LoadBalancerAddress.parse("192.0.2.10")), T1);

        assertThat(first.getConditions()).extracting(Condition::getType).containsExactly("Accepted", "Programmed");
        assertThat(first.getConditions()).allSatisfy(x -> {
            assertThat(x.getObservedGeneration()).isEqualTo(4L);
            assertThat(x.getLastTransitionTime()).isEqualTo("2026-12-01T10:00:00Z");
        });
        assertThat(first.getAddresses()).singleElement().satisfies(a -> {
            assertThat(a.getType()).isEqualTo("IPAddress");
            assertThat(a.getValue()).isEqualTo("192.0.2.10");
        });
        assertThat(first.getListeners()).singleElement().satisfies(l -> {
            assertThat(l.getAttachedRoutes()).isEqualTo(2);
            assertThat(l.getSupportedKinds()).singleElement().satisfies(k -> {
                assertThat(k.getGroup()).isEqualTo("gateway.networking.k8s.io");
                assertThat(k.getKind()).isEqualTo("HTTPRoute");
            });
            assertThat(l.getConditions()).extracting(Condition::getType)
                    .containsExactly("Accepted", "ResolvedRefs", "Conflicted", "Programmed");
            assertThat(find(l.getConditions(), "Programmed").getStatus()).isEqualTo("True");
        });

        GatewayStatus same = GatewayConditions.gateway(first, gateway(true), programmed, null, T2);
        assertThat(same).isEqualTo(first);

        GatewayStatus changed = GatewayConditions.gateway(first, gateway(false), programmed, null, T2);
        Condition listenerAccepted = find(changed.getListeners().get(0).getConditions(), "Accepted");
        assertThat(listenerAccepted.getStatus()).isEqualTo("False");
        assertThat(listenerAccepted.getReason()).isEqualTo("PortUnavailable");
        assertThat(listenerAccepted.getLastTransitionTime()).isEqualTo("2026-12-02T10:00:00Z");
        Condition listenerProgrammed = find(changed.getListeners().get(0).getConditions(), "Programmed");
        assertThat(listenerProgrammed.getStatus()).isEqualTo("False");
        assertThat(listenerProgrammed.getReason()).isEqualTo("Invalid");
        assertThat(find(changed.getConditions(), "Accepted").getLastTransitionTime())
                .isEqualTo("2026-12-01T10:00:00Z");
    }

    @Test
    void anHttpRoutesParentsOfOtherControllersAreKept() {
        ParentReference theirRef = new ParentReference();
        theirRef.setName("their-gateway");
        RouteParentStatus theirs = new RouteParentStatus();
        theirs.setControllerName("example.com/other");
        theirs.setParentRef(theirRef);
        theirs.setConditions(List.of(new ConditionBuilder().withType("Accepted").withStatus("True")
                .withReason("Accepted").build()));
        HTTPRouteStatus current = new HTTPRouteStatus();
        current.setParents(List.of(theirs));
        GatewayApiStatus.HttpRouteReport report = new GatewayApiStatus.HttpRouteReport("shop", "web", 7L, List.of(
                new GatewayApiStatus.ParentReport(new GatewayApiStatus.ParentRef(null, null, "infra", "edge", "http",
                        null), c("Accepted", false, "NotAllowedByListeners"), c("ResolvedRefs", true,
                        "ResolvedRefs"))));

        HTTPRouteStatus status = GatewayConditions.httpRoute(current, report, OURS, T1);

        assertThat(status.getParents()).hasSize(2);
        assertThat(status.getParents().get(0)).isSameAs(theirs);
        RouteParentStatus ours = status.getParents().get(1);
        assertThat(ours.getControllerName()).isEqualTo(OURS);
        assertThat(ours.getParentRef().getNamespace()).isEqualTo("infra");
        assertThat(ours.getParentRef().getName()).isEqualTo("edge");
        assertThat(ours.getParentRef().getSectionName()).isEqualTo("http");
        assertThat(ours.getParentRef().getGroup()).isNull();
        assertThat(find(ours.getConditions(), "Accepted").getReason()).isEqualTo("NotAllowedByListeners");
        assertThat(find(ours.getConditions(), "Accepted").getObservedGeneration()).isEqualTo(7L);
        assertThat(GatewayConditions.httpRoute(status, report, OURS, T2)).isEqualTo(status);
    }
}
