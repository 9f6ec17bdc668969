package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** A rewrite of the request's host and path before it is forwarded. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UrlRewriteSpec {

    @JsonPropertyDescription("The Host sent to the backend.")
    @Size(min = 1, max = 253)
    @Pattern(Formats.DNS_SUBDOMAIN)
    public String hostname;

    @JsonPropertyDescription("The path sent to the backend.")
    public PathModifierSpec path;
}
