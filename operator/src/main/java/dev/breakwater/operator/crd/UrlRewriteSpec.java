package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A rewrite of the request's host and path before it is forwarded (routing already happened). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.hostname) || has(self.path)", message = "urlRewrite needs a hostname or a path")
public class UrlRewriteSpec {

    @JsonPropertyDescription("The Host sent to the backend.")
    @Size(min = 1, max = 253)
    @Pattern(Formats.DNS_SUBDOMAIN)
    public String hostname;

    @JsonPropertyDescription("The path sent to the backend.")
    public PathModifierSpec path;
}
