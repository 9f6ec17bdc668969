package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

/** A Service port of the Route's namespace and its share of the rule's requests. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "type(self.port) != int || (self.port >= 1 && self.port <= 65535)",
        message = "a port number is 1-65535")
public class BackendSpec {

    @JsonPropertyDescription("The Service, in the Route's namespace.")
    @Required
    @Size(min = 1, max = 63)
    @Pattern(Formats.DNS_LABEL)
    public String name;

    @JsonPropertyDescription("The Service port: its number (`port` of the Service) or its name.")
    @Required
    public IntOrString port;

    @JsonPropertyDescription("The share of the rule's requests, relative to the other backends' weights "
            + "(`80` and `20`: 80 %). 0 sends none. Default: 1.")
    @Min(0)
    @Max(1000000)
    public Integer weight;
}
