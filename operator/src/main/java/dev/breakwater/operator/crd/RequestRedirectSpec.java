package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A redirect answered instead of forwarding; each part absent is kept from the request. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RequestRedirectSpec {

    @JsonPropertyDescription("`http` or `https`.")
    public Scheme scheme;

    @JsonPropertyDescription("The host of the location.")
    @Size(min = 1, max = 253)
    @Pattern(Formats.DNS_SUBDOMAIN)
    public String hostname;

    @JsonPropertyDescription("The path of the location.")
    public PathModifierSpec path;

    @JsonPropertyDescription("The port of the location. Default: the scheme's port.")
    @Min(1)
    @Max(65535)
    public Integer port;

    @JsonPropertyDescription("301, 302 (the default), 303, 307 or 308.")
    @ValidationRule(value = "self in [301, 302, 303, 307, 308]", message = "statusCode must be 301, 302, 303, 307 "
            + "or 308")
    public Integer statusCode;

    /** The schemes of a redirect. */
    public enum Scheme {
        @JsonProperty("http") HTTP,
        @JsonProperty("https") HTTPS
    }
}
