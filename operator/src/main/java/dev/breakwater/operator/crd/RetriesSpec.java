package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * When a failed attempt is tried again, on another endpoint where there is one. Attempts that never reached an
 * endpoint (connect failures) are always tried again; the rest only as {@code on} says, for idempotent requests
 * without a body, and within the budget.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetriesSpec {

    @JsonPropertyDescription("Tries per request, the first included. Default: 2, or 3 when `on` is set.")
    @Min(1)
    @Max(10)
    public Integer attempts;

    @JsonPropertyDescription("Response timeout of each try. Default: the rule's response timeout.")
    @Pattern(Formats.DURATION)
    public String perTryTimeout;

    @JsonPropertyDescription("What else is retried: `5xx` (answers 502, 503, 504) and `reset` (a connection reset "
            + "before the response head).")
    @Size(max = 2)
    public List<RetryOn> on;

    @JsonPropertyDescription("Retries in flight may be at most this percentage of the backend's requests in flight. "
            + "Default: 20.")
    @Min(0)
    @Max(100)
    public Integer budgetPercent;

    @JsonPropertyDescription("Retries always allowed in flight per backend, whatever the budget says. Default: 3.")
    @Min(0)
    @Max(1000)
    public Integer minRetryConcurrency;

    /** The failures retried beside connect failures. */
    public enum RetryOn {
        @JsonProperty("5xx") FIVE_XX,
        @JsonProperty("reset") RESET
    }
}
