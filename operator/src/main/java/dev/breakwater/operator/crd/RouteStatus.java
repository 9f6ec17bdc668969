package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** What the operator made of a Route. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouteStatus {

    @JsonPropertyDescription("The metadata.generation the conditions describe.")
    @Min(0)
    public Long observedGeneration;

    @JsonPropertyDescription("Accepted (the Route is valid and served), ResolvedRefs (every Service, port and Secret "
            + "it names was found), Programmed (the data planes serve it).")
    @Size(max = 8)
    public List<RouteCondition> conditions;
}
