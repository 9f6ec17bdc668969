package dev.breakwater.operator.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Label selectors as allowedRoutes' namespace selector reads them. */
class LabelSelectorsTest {

    private static final Map<String, String> SHOP = Map.of("team", "shop", "tier", "gold");

    @Test
    void matchLabelsAndEveryOperatorOfMatchExpressions() {
        assertThat(LabelSelectors.matches(new LabelSelector(), SHOP)).isTrue();
        assertThat(LabelSelectors.matches(new LabelSelectorBuilder().addToMatchLabels("team", "shop").build(), SHOP))
                .isTrue();
        assertThat(LabelSelectors.matches(new LabelSelectorBuilder().addToMatchLabels("team", "blog").build(), SHOP))
                .isFalse();
        assertThat(matches("In", "tier", "gold", "silver")).isTrue();
        assertThat(matches("In", "tier", "bronze")).isFalse();
        assertThat(matches("NotIn", "tier", "bronze")).isTrue();
        assertThat(matches("NotIn", "tier", "gold")).isFalse();
        assertThat(matches("Exists", "team")).isTrue();
        assertThat(matches("Exists", "env")).isFalse();
        assertThat(matches("DoesNotExist", "env")).isTrue();
        assertThat(matches("DoesNotExist", "team")).isFalse();
        assertThat(matches("Unknown", "team")).isFalse();
    }

    private static boolean matches(String operator, String key, String... values) {
        return LabelSelectors.matches(new LabelSelectorBuilder().addNewMatchExpression().withKey(key)
                .withOperator(operator).withValues(values).endMatchExpression().build(), SHOP);
    }
}
