package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Cross-origin resource sharing answered by the proxy: preflights from allowed origins get {@code 204} without
 * reaching the backends, and responses to allowed origins get {@code Access-Control-Allow-Origin} and the rest.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.allowCredentials) && self.allowCredentials && self.allowOrigins.exists(o, o == '*'))",
        message = "allowCredentials needs the origins named: browsers refuse credentials with the origin *")
public class CorsSpec {

    @JsonPropertyDescription("The origins allowed: `*`, or `http(s)://host[:port]`, whose host may start with one "
            + "`*.` label (`https://*.example.com`).")
    @Required
    @Size(min = 1, max = 32)
    @ValidationRule(value = "self.all(o, o.matches(r'" + Formats.CORS_ORIGIN + "'))",
            message = "an origin is *, http(s)://host[:port] or http(s)://*.host[:port]")
    public List<@Size(min = 1, max = 253) String> allowOrigins;

    @JsonPropertyDescription("`Access-Control-Allow-Methods` of preflight answers. Default: GET, PUT, POST, DELETE, "
            + "PATCH, OPTIONS.")
    @Size(min = 1, max = 16)
    @ValidationRule(value = "self.all(m, m.matches(r'" + Formats.CORS_METHOD + "'))",
            message = "a method is a name of letters")
    public List<@Size(min = 1, max = 32) String> allowMethods;

    @JsonPropertyDescription("`Access-Control-Allow-Headers` of preflight answers. Default: DNT, Keep-Alive, "
            + "User-Agent, X-Requested-With, If-Modified-Since, Cache-Control, Content-Type, Range, Authorization.")
    @Size(min = 1, max = 64)
    @ValidationRule(value = "self.all(h, h.matches(r'" + Formats.CORS_HEADER + "'))",
            message = "a header name is letters, digits, - and _")
    public List<@Size(min = 1, max = 256) String> allowHeaders;

    @JsonPropertyDescription("`Access-Control-Expose-Headers` of responses. Default: none.")
    @Size(max = 64)
    @ValidationRule(value = "self.all(h, h.matches(r'" + Formats.CORS_EXPOSED_HEADER + "'))",
            message = "an exposed header is a name of letters, digits, - and _, or *")
    public List<@Size(min = 1, max = 256) String> exposeHeaders;

    @JsonPropertyDescription("Send `Access-Control-Allow-Credentials: true`. Default: false.")
    public Boolean allowCredentials;

    @JsonPropertyDescription("`Access-Control-Max-Age` of preflight answers, as a duration in whole seconds (`1h`). "
            + "Default: 480h (20 days).")
    @Pattern(Formats.DURATION)
    public String maxAge;
}
