package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.operator.TableLookup;
import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.fixture.IngressFixture;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Taking over ingress-nginx's Ingresses: with {@link CompilerOptions#alsoServing} naming {@code nginx}, an Ingress
 * of class nginx (by {@code spec.ingressClassName} or the {@code kubernetes.io/ingress.class} annotation) is ours,
 * whatever controller the IngressClass nginx names; without it, such an Ingress is ignored without a word.
 */
class AlsoServedClassTest {

    private static final IngressClass NGINX_CLASS = Fixtures.ingressClass("nginx", "k8s.io/ingress-nginx", false);
    private static final IngressClass NGINX_DEFAULT = Fixtures.ingressClass("nginx", "k8s.io/ingress-nginx", true);
    private static final IngressClass OURS = Fixtures.ingressClass("breakwater", Fixtures.OUR_CONTROLLER, false);

    private static IngressFixture app(String name, String host) {
        return Fixtures.ingress("default", name).host(host).prefix("/", "app", 80);
    }

    private static Compilation compile(boolean claimNginx, boolean cluster, List<IngressClass> classes,
                                       IngressFixture... ingresses) {
        Snapshots s = Snapshots.with(java.util.Arrays.stream(ingresses).map(IngressFixture::build)
                .toArray(io.fabric8.kubernetes.api.model.networking.v1.Ingress[]::new))
                .service("default", "app", "10.0.0.1");
        classes.forEach(s::add);
        CompilerOptions options = cluster ? CompilerOptions.defaults(null) : CompilerOptions.local(null);
        return s.compile(claimNginx ? options.alsoServing(List.of("nginx")) : options);
    }

    @Test
    void withoutTheOptionNginxIngressesAreIgnoredSilently() {
        Compilation c = compile(false, true, List.of(NGINX_CLASS, OURS),
                app("by-name", "name.com").className("nginx"),
                app("by-annotation", "annotation.com").annotation("kubernetes.io/ingress.class", "nginx"),
                app("ours", "ours.com").className("breakwater"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(TableLookup.service(c.table(), "name.com", "/")).isNull();
        assertThat(TableLookup.service(c.table(), "annotation.com", "/")).isNull();
        assertThat(TableLookup.service(c.table(), "ours.com", "/")).isEqualTo("app");
    }

    @Test
    void withTheOptionClassNginxIsOursWhateverItsController() {
        Compilation c = compile(true, true, List.of(NGINX_CLASS, OURS),
                app("by-name", "name.com").className("nginx"),
                app("by-annotation", "annotation.com").annotation("kubernetes.io/ingress.class", "nginx"),
                app("ours", "ours.com").className("breakwater"),
                app("other", "other.com").className("traefik"),
                app("classless", "classless.com"));

        assertThat(c.diagnostics()).isEmpty();
        assertThat(TableLookup.service(c.table(), "name.com", "/")).isEqualTo("app");
        assertThat(TableLookup.service(c.table(), "annotation.com", "/")).isEqualTo("app");
        assertThat(TableLookup.service(c.table(), "ours.com", "/")).isEqualTo("app");
        assertThat(TableLookup.service(c.table(), "other.com", "/")).as("another class stays another's").isNull();
        assertThat(TableLookup.service(c.table(), "classless.com", "/")).as("no default class").isNull();
    }

    @Test
    void theClassNeedNotExist() {
        Compilation c = compile(true, true, List.of(), app("by-name", "name.com").className("nginx"));

        assertThat(TableLookup.service(c.table(), "name.com", "/")).isEqualTo("app");
    }

    @Test
    void ingressesWithoutClassAreOursWhenTheClaimedClassIsTheDefault() {
        Compilation claimed = compile(true, true, List.of(NGINX_DEFAULT, OURS), app("classless", "classless.com"));
        Compilation notClaimed = compile(false, true, List.of(NGINX_DEFAULT, OURS), app("classless", "classless.com"));

        assertThat(TableLookup.service(claimed.table(), "classless.com", "/")).isEqualTo("app");
        assertThat(TableLookup.service(notClaimed.table(), "classless.com", "/")).isNull();
    }

    @Test
    void theClassNameStillWinsOverTheAnnotation() {
        Compilation c = compile(true, true, List.of(NGINX_CLASS),
                app("named-other", "a.com").className("traefik").annotation("kubernetes.io/ingress.class", "nginx"));

        assertThat(TableLookup.service(c.table(), "a.com", "/")).isNull();
    }

    @Test
    void localModeKeepsItsImplicitDefaultClassWhenNginxIsClaimed() {
        Compilation c = compile(true, false, List.of(NGINX_CLASS),
                app("classless", "classless.com"), app("by-name", "name.com").className("nginx"));

        assertThat(TableLookup.service(c.table(), "classless.com", "/")).isEqualTo("app");
        assertThat(TableLookup.service(c.table(), "name.com", "/")).isEqualTo("app");
    }

    @Test
    void optionsKeepTheClassesSortedAndCheckTheirNames() {
        CompilerOptions o = CompilerOptions.defaults(null).alsoServing(List.of("nginx", "nginx-internal"));

        assertThat(o.alsoServedClasses()).containsExactly("nginx", "nginx-internal");
        assertThat(o.at(java.time.Instant.EPOCH).alsoServedClasses()).containsExactly("nginx", "nginx-internal");
        assertThat(CompilerOptions.defaults(null).alsoServedClasses()).isEmpty();
        assertThatThrownBy(() -> CompilerOptions.local(null).alsoServing(List.of("Nginx")))
                .hasMessageContaining("\"Nginx\"").hasMessageContaining("IngressClass name");
        assertThatThrownBy(() -> CompilerOptions.local(null).alsoServing(List.of("")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
