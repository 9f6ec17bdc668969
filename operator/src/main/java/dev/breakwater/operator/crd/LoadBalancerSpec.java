package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** The balancing algorithm of the rule's backends. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(self.type == 'RingHash' || self.type == 'Maglev') == has(self.hashOn)",
        message = "hashOn is required for RingHash and Maglev, and allowed only for them")
public class LoadBalancerSpec {

    @JsonPropertyDescription("RoundRobin (smooth weighted), LeastRequest (power of two choices), Random, RingHash or "
            + "Maglev (consistent hashing of hashOn).")
    @Required
    public Type type;

    @JsonPropertyDescription("What the hashing balancers hash; a request without it is placed at random.")
    public RequestKeySpec hashOn;

    /** The algorithms. */
    public enum Type {
        @JsonProperty("RoundRobin") ROUND_ROBIN,
        @JsonProperty("LeastRequest") LEAST_REQUEST,
        @JsonProperty("Random") RANDOM,
        @JsonProperty("RingHash") RING_HASH,
        @JsonProperty("Maglev") MAGLEV
    }
}
