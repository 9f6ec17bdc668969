package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Active health checking: {@code GET path} on every endpoint each interval; 2xx and 3xx pass. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HealthCheckSpec {

    @JsonPropertyDescription("The path requested.")
    @Required
    @Size(min = 1, max = 1024)
    @Pattern("^/")
    public String path;

    @JsonPropertyDescription("Time between two checks of an endpoint. Default: 5s.")
    @Pattern(Formats.DURATION)
    public String interval;

    @JsonPropertyDescription("Longest wait for an answer. Default: 1s.")
    @Pattern(Formats.DURATION)
    public String timeout;

    @JsonPropertyDescription("Passes in a row that make an unhealthy endpoint healthy. Default: 2.")
    @Min(1)
    @Max(100)
    public Integer healthyThreshold;

    @JsonPropertyDescription("Failures in a row that make an endpoint unhealthy. Default: 3.")
    @Min(1)
    @Max(100)
    public Integer unhealthyThreshold;
}
