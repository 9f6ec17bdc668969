package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

/** Request mirroring: a Service of the Route's namespace that gets a copy of each request of the rule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "type(self.port) != int || (self.port >= 1 && self.port <= 65535)",
        message = "a port number is 1-65535")
public class MirrorSpec {

    @JsonPropertyDescription("The Service the copies go to, in the Route's namespace.")
    @Required
    @Size(min = 1, max = 63)
    @Pattern(Formats.DNS_LABEL)
    public String name;

    @JsonPropertyDescription("The Service port: its number (`port` of the Service) or its name.")
    @Required
    public IntOrString port;

    @JsonPropertyDescription("The `Host` header of the copies. Default: the client's.")
    @Size(min = 1, max = 253)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    public String host;

    @JsonPropertyDescription("`false`: the copies go without the request body. Default: `true` (a body above 1 MiB "
            + "is never copied: such a request is not mirrored).")
    public Boolean requestBody;
}
