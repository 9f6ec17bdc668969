package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;

/** Response compression: gzip or brotli as the client accepts, when the origin did not encode the body. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CompressionSpec {

    @JsonPropertyDescription("Compress. Default: true (the section's presence turns compression on).")
    public Boolean enabled;

    @JsonPropertyDescription("Smallest body compressed when its length is known, as a quantity (`1Ki`). Default: "
            + "the data plane's.")
    public Quantity minSize;

    @JsonPropertyDescription("Media types compressed, without parameters; `text/*` style wildcards allowed. "
            + "Default: the data plane's list.")
    @Size(max = 32)
    @ValidationRule(value = "self.all(t, t.matches(r'^[a-z0-9!#$&^_.+-]+/([a-z0-9!#$&^_.+-]+|\\*)$'))",
            message = "a content type is type/subtype or type/*, in lower case")
    public List<@Size(min = 3, max = 128) String> contentTypes;
}
