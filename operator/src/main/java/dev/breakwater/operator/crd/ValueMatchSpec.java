package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A condition on a request header or query parameter: one of its values must match. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ValueMatchSpec {

    @JsonPropertyDescription("`Exact` (the default) or `RegularExpression` (the whole value matches).")
    public StringMatchType type;

    @JsonPropertyDescription("The header name (case-insensitive) or the query parameter name (compared exactly).")
    @Required
    @Size(min = 1, max = 256)
    @Pattern(Formats.HEADER_NAME)
    public String name;

    @JsonPropertyDescription("The value, or the regular expression.")
    @Required
    @Size(max = 4096)
    public String value;
}
