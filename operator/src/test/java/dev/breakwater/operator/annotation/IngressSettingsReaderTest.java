package dev.breakwater.operator.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.diagnostic.Diagnostic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings of a compilation's Ingresses: the same as each read alone, the default ones read once. */
class IngressSettingsReaderTest {

    private static final String NGINX = AnnotationTable.NGINX;

    @Test
    void ingressesWithoutAnnotationsShareTheDefaultSettingsAndTheOthersGetTheirOwn() {
        IngressSettingsReader reader = new IngressSettingsReader(ControllerConfig.NONE, ref -> null);
        List<Diagnostic> diagnostics = new ArrayList<>();
        IngressSettings none = reader.read("Ingress/a/one", "a", null, diagnostics);
        IngressSettings foreign = reader.read("Ingress/b/two", "b",
                Map.of("cert-manager.io/cluster-issuer", "letsencrypt"), diagnostics);
        Map<String, String> own = Map.of(NGINX + "ssl-redirect", "false", NGINX + "proxy-body-size", "8m");
        IngressSettings set = reader.read("Ingress/c/three", "c", own, diagnostics);

        assertThat(foreign).isSameAs(none);
        assertThat(none).isEqualTo(IngressSettings.read("Ingress/a/one", "a", Map.of(), new ArrayList<>()));
        assertThat(set).isEqualTo(IngressSettings.read("Ingress/c/three", "c", own, new ArrayList<>()));
        assertThat(set.sslRedirect()).isFalse();
        assertThat(none.sslRedirect()).isNull();
        assertThat(diagnostics).isEmpty();
    }

    @Test
    void theControllerConfigMapsDefaultsApplyToIngressesWithoutAnnotationsAndWarningsNameTheirIngress() {
        ControllerConfig config = ControllerConfig.read("ConfigMap/ingress-nginx/ingress-nginx-controller",
                Map.of("ssl-redirect", "false"), Map.of(), new ArrayList<>());
        IngressSettingsReader reader = new IngressSettingsReader(config, ref -> null);
        List<Diagnostic> diagnostics = new ArrayList<>();
        IngressSettings none = reader.read("Ingress/a/one", "a", Map.of(), diagnostics);
        reader.read("Ingress/a/two", "a", Map.of(NGINX + "unknown-key", "x"), diagnostics);
        reader.read("Ingress/a/three", "a", Map.of(NGINX + "unknown-key", "x"), diagnostics);

        assertThat(none.sslRedirect()).isFalse();
        assertThat(none).isEqualTo(IngressSettings.read("Ingress/a/one", "a", Map.of(), config, new ArrayList<>()));
        assertThat(diagnostics).hasSize(2);
        assertThat(diagnostics.get(0).toString()).contains("Ingress/a/two");
        assertThat(diagnostics.get(1).toString()).contains("Ingress/a/three");
    }
}
