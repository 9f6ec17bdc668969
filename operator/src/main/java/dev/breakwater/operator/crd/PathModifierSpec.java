package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A new path: the whole path replaced, or the part the PathPrefix match accepted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(self.type == 'ReplaceFullPath') == has(self.replaceFullPath)",
        message = "replaceFullPath must be set for type ReplaceFullPath, and only for it")
@ValidationRule(value = "(self.type == 'ReplacePrefixMatch') == has(self.replacePrefixMatch)",
        message = "replacePrefixMatch must be set for type ReplacePrefixMatch, and only for it")
public class PathModifierSpec {

    @JsonPropertyDescription("ReplaceFullPath or ReplacePrefixMatch.")
    @Required
    public Type type;

    @JsonPropertyDescription("The path that replaces the whole request path (the query is kept; a `?` in it starts "
            + "a query of its own). Starts with `/`; no whitespace, control characters or `#`.")
    @Size(min = 1, max = 1024)
    @Pattern(Formats.FILTER_PATH)
    public String replaceFullPath;

    @JsonPropertyDescription("The path that replaces the prefix the rule's PathPrefix match accepted, the rest of "
            + "the path kept (`/foo` to `/bar`: `/foo/x` becomes `/bar/x`). Only for rules whose matches are all "
            + "PathPrefix. Starts with `/`; no whitespace, control characters or `#`.")
    @Size(min = 1, max = 1024)
    @Pattern(Formats.FILTER_PATH)
    public String replacePrefixMatch;

    /** How the path is replaced. */
    public enum Type {
        @JsonProperty("ReplaceFullPath") REPLACE_FULL_PATH,
        @JsonProperty("ReplacePrefixMatch") REPLACE_PREFIX_MATCH
    }
}
