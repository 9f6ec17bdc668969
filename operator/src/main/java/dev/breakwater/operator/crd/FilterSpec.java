package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A filter, shaped like HTTPRoute's: {@code type} names it and the field of that name holds its settings. The
 * compiler turns it into the routing table's {@code RouteFilter}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(self.type == 'RequestHeaderModifier') == has(self.requestHeaderModifier)",
        message = "requestHeaderModifier must be set for type RequestHeaderModifier, and only for it")
@ValidationRule(value = "(self.type == 'ResponseHeaderModifier') == has(self.responseHeaderModifier)",
        message = "responseHeaderModifier must be set for type ResponseHeaderModifier, and only for it")
@ValidationRule(value = "(self.type == 'URLRewrite') == has(self.urlRewrite)",
        message = "urlRewrite must be set for type URLRewrite, and only for it")
@ValidationRule(value = "(self.type == 'RequestRedirect') == has(self.requestRedirect)",
        message = "requestRedirect must be set for type RequestRedirect, and only for it")
public class FilterSpec {

    @JsonPropertyDescription("RequestHeaderModifier, ResponseHeaderModifier, URLRewrite or RequestRedirect.")
    @Required
    public Type type;

    @JsonPropertyDescription("Headers set, added and removed on the request before it is forwarded.")
    public HeaderModifierSpec requestHeaderModifier;

    @JsonPropertyDescription("Headers set, added and removed on the response before it is returned.")
    public HeaderModifierSpec responseHeaderModifier;

    @JsonPropertyDescription("Host and path rewritten before the request is forwarded.")
    public UrlRewriteSpec urlRewrite;

    @JsonPropertyDescription("Answer with a redirect instead of forwarding.")
    public RequestRedirectSpec requestRedirect;

    /** The filter types. */
    public enum Type {
        @JsonProperty("RequestHeaderModifier") REQUEST_HEADER_MODIFIER,
        @JsonProperty("ResponseHeaderModifier") RESPONSE_HEADER_MODIFIER,
        @JsonProperty("URLRewrite") URL_REWRITE,
        @JsonProperty("RequestRedirect") REQUEST_REDIRECT
    }
}
