package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** Request rate limiting per client key (token bucket). Not supported by the data plane: reported, NOT enforced. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RateLimitSpec {

    @JsonPropertyDescription("Requests allowed per unit of time.")
    @Required
    @Min(1)
    @Max(1000000000)
    public Integer requests;

    @JsonPropertyDescription("The unit: Second, Minute or Hour.")
    @Required
    public Unit per;

    @JsonPropertyDescription("Requests allowed at once above the rate. Default: 0.")
    @Min(0)
    @Max(1000000000)
    public Integer burst;

    @JsonPropertyDescription("What makes a client: a header, a cookie or the client address. Default: sourceIP.")
    public RequestKeySpec key;

    /** Units of a rate. */
    public enum Unit {
        @JsonProperty("Second") SECOND,
        @JsonProperty("Minute") MINUTE,
        @JsonProperty("Hour") HOUR
    }
}
