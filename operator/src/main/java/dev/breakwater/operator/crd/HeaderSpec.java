package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A header name and value. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HeaderSpec {

    @JsonPropertyDescription("The header name.")
    @Required
    @Size(min = 1, max = 256)
    @Pattern(Formats.HEADER_NAME)
    public String name;

    @JsonPropertyDescription("The header value (no control characters).")
    @Required
    @Size(max = 4096)
    @Pattern(Formats.HEADER_VALUE)
    public String value;
}
