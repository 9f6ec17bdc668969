package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.operator.crd.MirrorSpec;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.fixture.IngressFixture;
import io.fabric8.kubernetes.api.model.IntOrString;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.RequestMirror;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The compiler's reading of ingress-nginx's request mirroring ({@code mirror-target}, {@code mirror-request-body},
 * {@code mirror-host}): the Service the copies go to, as a cluster of the table, and the warning each target that is
 * not such a Service gets.
 */
class IngressMirrorAnnotationsTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static Compilation compile(IngressFixture ingress) {
        return Snapshots.empty().service("default", "app", "10.0.0.1").service("default", "shadow", "10.0.0.2")
                .service("other", "shadow", "10.0.0.3").add(ingress.build()).compile();
    }

    private static IngressFixture web(String target) {
        return Fixtures.ingress("default", "web").host("a.com").prefix("/", "app", 80)
                .annotation(NGINX + "mirror-target", target);
    }

    private static RequestMirror mirrorOf(Compilation c) {
        Route route = TableLookup.find(c.table(), "a.com", "/x").orElseThrow();
        return route.policy().mirror();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shadow:80", "shadow:http", "shadow"})
    void aServiceOfTheNamespaceIsTheMirrorsCluster(String target) {
        Compilation c = compile(web(target));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(mirrorOf(c)).isEqualTo(RequestMirror.to("default/shadow:http"));
        assertThat(c.table().clusters()).filteredOn(cl -> cl.name().equals("default/shadow:http")).singleElement()
                .satisfies(cl -> assertThat(cl.endpoints()).extracting(e -> e.address()).containsExactly("10.0.0.2"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://shadow.default.svc.cluster.local$request_uri", "http://shadow.default.svc$request_uri",
        "http://shadow.default.svc.cluster.local:80$request_uri", "http://shadow.default.svc"})
    void ingressNginxsUrlOfAServiceIsThatService(String target) {
        Compilation c = compile(web(target));

        assertThat(c.diagnostics()).isEmpty();
        String host = target.substring("http://".length()).replace("$request_uri", "").replace(":80", "");
        assertThat(mirrorOf(c)).as("the Host is the URL's, as ingress-nginx's default mirror-host")
                .isEqualTo(RequestMirror.to("default/shadow:http").withHost(host));
    }

    @Test
    void mirrorHostAndTheBodySettingApply() {
        Compilation off = compile(web("http://shadow.default.svc.cluster.local$request_uri")
                .annotation(NGINX + "mirror-request-body", "off").annotation(NGINX + "mirror-host", "Test.Example"));

        assertThat(off.diagnostics()).isEmpty();
        assertThat(mirrorOf(off)).isEqualTo(RequestMirror.to("default/shadow:http").withHost("test.example")
                .withRequestBody(false));
    }

    @Test
    void theBodySettingAlsoReadsFalse() {
        Compilation c = compile(web("shadow:80").annotation(NGINX + "mirror-request-body", "false"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(mirrorOf(c).requestBody()).isFalse();
        assertThat(mirrorOf(c).host()).as("the client's Host for service:port").isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "https://test.env.com$request_uri|test.env.com is not a Service's cluster name",
        "http://shadow.other.svc.cluster.local$request_uri|is not in the Ingress's namespace (default)",
        "http://shadow.default.svc/fixed|the copy goes to the request's own path and query",
        "ftp://shadow.default.svc|is neither service:port nor an http:// or https:// URL",
        "missing:80|Service default/missing does not exist; nothing is mirrored"})
    void aTargetThatIsNotAServiceOfTheNamespaceIsWarnedAndNothingIsMirrored(String target, String reason) {
        Compilation c = compile(web(target));

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.field()).isEqualTo("metadata.annotations['" + NGINX + "mirror-target']");
            assertThat(d.reason()).contains(reason);
        });
        assertThat(mirrorOf(c)).isNull();
        assertThat(TableLookup.service(c.table(), "a.com", "/")).isEqualTo("app");
    }

    @Test
    void theOtherMirrorKeysWithoutATargetAreWarned() {
        Compilation c = compile(Fixtures.ingress("default", "web").host("a.com").prefix("/", "app", 80)
                .annotation(NGINX + "mirror-request-body", "off"));

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("metadata.annotations['" + NGINX + "mirror-request-body']");
            assertThat(d.reason()).isEqualTo("has no effect without mirror-target");
        });
        assertThat(mirrorOf(c)).isNull();
    }

    @Test
    void anHttpsTargetIsAClusterSpokenToOverTls() {
        Compilation c = compile(web("https://shadow.default.svc:80$request_uri"));

        assertThat(c.diagnostics()).isEmpty();
        String cluster = mirrorOf(c).cluster();
        assertThat(c.table().clusters()).filteredOn(cl -> cl.name().equals(cluster)).singleElement()
                .satisfies(cl -> assertThat(cl.protocol()).isEqualTo(Cluster.Protocol.HTTPS));
    }

    @Test
    void aRouteRulesMirrorIsAServiceOfItsNamespace() {
        Compilation c = Snapshots.with(Fixtures.route("default", "shop").rule().backend("app", 80).with(rule -> {
            rule.mirror = new MirrorSpec();
            rule.mirror.name = "shadow";
            rule.mirror.port = new IntOrString("http");
            rule.mirror.host = "shadow.example";
            rule.mirror.requestBody = false;
        }).build()).service("default", "app", "10.0.0.1").service("default", "shadow", "10.0.0.2").compile();

        assertThat(c.diagnostics()).isEmpty();
        Route route = c.table().virtualHosts().get(0).routes().get(0);
        assertThat(route.policy().mirror()).isEqualTo(RequestMirror.to("default/shadow:http")
                .withHost("shadow.example").withRequestBody(false));
        assertThat(c.table().clusters()).extracting(Cluster::name).contains("default/shadow:http");
    }

    @Test
    void aRouteRulesMirrorOfAMissingServiceIsReportedAndTheRuleStillServes() {
        Compilation c = Snapshots.with(Fixtures.route("default", "shop").rule().backend("app", 80).with(rule -> {
            rule.mirror = new MirrorSpec();
            rule.mirror.name = "gone";
            rule.mirror.port = new IntOrString(80);
        }).build()).service("default", "app", "10.0.0.1").compile();

        assertThat(c.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("spec.rules[0].mirror.name");
            assertThat(d.reason()).contains("Service default/gone does not exist");
        });
        Route route = c.table().virtualHosts().get(0).routes().get(0);
        assertThat(route.policy().mirror()).isNull();
        assertThat(route.action()).isEqualTo(RouteAction.Forward.to("default/app:http"));
    }
}
