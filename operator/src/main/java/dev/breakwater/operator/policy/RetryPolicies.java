package dev.breakwater.operator.policy;

import dev.breakwater.routing.Retries;
import java.util.function.Consumer;

/** When failed attempts are tried again: {@link Retries} from what an annotation or a Route field gives. */
public final class RetryPolicies {

    private RetryPolicies() {
    }

    /**
     * Retries: {@link Retries#DEFAULTS} for what is not given (null), except that asking to retry 5xx answers or
     * resets without saying how often means 3 attempts. Null when the values cannot be retries (the reason goes to
     * {@code problem}).
     */
    public static Retries retries(Integer attempts, boolean on5xx, boolean onReset, Long perTryTimeoutMillis,
                                  Integer budgetPercent, Integer minRetryConcurrency, Consumer<String> problem) {
        Retries d = Retries.DEFAULTS;
        int n = attempts != null ? attempts : Math.max(d.attempts(), on5xx || onReset ? 3 : d.attempts());
        try {
            return new Retries(n, on5xx, onReset, perTryTimeoutMillis, budgetPercent != null ? budgetPercent
                    : d.budgetPercent(), minRetryConcurrency != null ? minRetryConcurrency : d.minRetryConcurrency());
        } catch (IllegalArgumentException e) {
            problem.accept(e.getMessage());
            return null;
        }
    }
}
