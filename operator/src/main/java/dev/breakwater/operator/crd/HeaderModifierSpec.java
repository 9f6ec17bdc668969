package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Headers to set (replace), add (append) and remove. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HeaderModifierSpec {

    @JsonPropertyDescription("Headers set, replacing any value they had.")
    @Size(max = 16)
    public List<HeaderSpec> set;

    @JsonPropertyDescription("Headers added beside any value they had.")
    @Size(max = 16)
    public List<HeaderSpec> add;

    @JsonPropertyDescription("Names of headers removed.")
    @Size(max = 16)
    @ValidationRule(value = "self.all(n, n.matches(r\"" + Formats.HEADER_NAME + "\"))",
            message = "a header name is a token (letters, digits and !#$%&'*+-.^_`|~)")
    public List<@Size(min = 1, max = 256) String> remove;
}
