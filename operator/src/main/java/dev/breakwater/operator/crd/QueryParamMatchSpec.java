package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A condition on a query parameter: one of its values must match. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QueryParamMatchSpec {

    @JsonPropertyDescription("`Exact` (the default) or `RegularExpression` (the whole value matches).")
    public StringMatchType type;

    @JsonPropertyDescription("The parameter name (compared exactly).")
    @Required
    @Size(min = 1, max = 256)
    @Pattern(Formats.HEADER_NAME)
    public String name;

    @JsonPropertyDescription("The value, or the regular expression.")
    @Required
    @Size(max = 1024)
    public String value;
}
