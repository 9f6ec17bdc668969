package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/**
 * Passive health: an endpoint with this many failures in a row (connect failures, resets, 5xx) is ejected for
 * the base time, doubled at each ejection up to the maximum.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OutlierDetectionSpec {

    @JsonPropertyDescription("Failures in a row that eject an endpoint. Default: 5.")
    @Min(1)
    @Max(1000)
    public Integer consecutiveFailures;

    @JsonPropertyDescription("First ejection time. Default: 30s.")
    @Pattern(Formats.DURATION)
    public String baseEjectionTime;

    @JsonPropertyDescription("Longest ejection time. Default: 300s, and at least the base time.")
    @Pattern(Formats.DURATION)
    public String maxEjectionTime;

    @JsonPropertyDescription("At most this percentage of a backend's endpoints is ejected at once. Default: 50.")
    @Min(0)
    @Max(100)
    public Integer maxEjectionPercent;
}
