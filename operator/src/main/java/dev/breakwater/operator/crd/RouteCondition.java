package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A condition, in the shape of Kubernetes' {@code metav1.Condition}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouteCondition {

    @JsonPropertyDescription("The condition: Accepted, ResolvedRefs or Programmed.")
    @Required
    @Size(min = 1, max = 316)
    @Pattern("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?"
            + "[A-Za-z0-9])$")
    public String type;

    @JsonPropertyDescription("True, False or Unknown.")
    @Required
    public Status status;

    @JsonPropertyDescription("The metadata.generation the condition was set for.")
    @Min(0)
    public Long observedGeneration;

    @JsonPropertyDescription("When the status last changed (RFC 3339).")
    @Required
    public String lastTransitionTime;

    @JsonPropertyDescription("Why, in CamelCase.")
    @Required
    @Size(min = 1, max = 1024)
    @Pattern("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$")
    public String reason;

    @JsonPropertyDescription("Why, for humans.")
    @Required
    @Size(max = 32768)
    public String message;

    /** The status of a condition. */
    public enum Status {
        @JsonProperty("True") TRUE,
        @JsonProperty("False") FALSE,
        @JsonProperty("Unknown") UNKNOWN
    }
}
