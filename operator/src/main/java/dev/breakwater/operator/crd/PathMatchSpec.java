package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A condition on the request path (the part before {@code ?}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.type == 'RegularExpression' || !self.value.matches(r'[*?^$|(){}\\[\\]\\\\]')",
        message = "an Exact or PathPrefix value may not hold regular-expression characters (* ? ^ $ | ( ) { } [ ] "
                + "\\); use type RegularExpression")
@ValidationRule(value = "self.type == 'RegularExpression' || !self.value.contains('//')",
        message = "an Exact or PathPrefix value may not hold '//'")
public class PathMatchSpec {

    @JsonPropertyDescription("`Exact`: the path equals the value. `PathPrefix`: element-wise prefix on `/` "
            + "(`/foo` matches `/foo`, `/foo/` and `/foo/bar`, not `/foobar`). `RegularExpression`: the whole path "
            + "matches the value (Java regular expression syntax).")
    @Required
    public Type type;

    @JsonPropertyDescription("The path, or the regular expression; starts with `/`.")
    @Required
    @Size(min = 1, max = 1024)
    @Pattern("^/")
    public String value;

    /** How the path is compared. */
    public enum Type {
        @JsonProperty("Exact") EXACT,
        @JsonProperty("PathPrefix") PATH_PREFIX,
        @JsonProperty("RegularExpression") REGULAR_EXPRESSION
    }
}
