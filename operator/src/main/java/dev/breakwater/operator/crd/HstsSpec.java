package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** HTTP Strict Transport Security. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HstsSpec {

    @JsonPropertyDescription("`max-age` in seconds; 0 tells browsers to forget the host. Default: 31536000 (a "
            + "year).")
    @Min(0)
    @Max(315360000)
    public Long maxAgeSeconds;

    @JsonPropertyDescription("Add `includeSubDomains`. Default: false.")
    public Boolean includeSubDomains;

    @JsonPropertyDescription("Add `preload`. Default: false.")
    public Boolean preload;
}
