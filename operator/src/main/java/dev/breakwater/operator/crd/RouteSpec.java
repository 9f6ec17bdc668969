package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What a Route serves. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouteSpec {

    @JsonPropertyDescription("Host names served: exact lower-case DNS names, or a `*.` wildcard covering exactly "
            + "one first label (`*.example.com` matches `a.example.com`, not `example.com`). An exact name wins over "
            + "a wildcard. Without hostnames the rules serve every host that no other object names.")
    @Size(max = 16)
    @ValidationRule(value = "self.all(h, h.matches(r'" + Formats.HOSTNAME + "'))",
            message = "a hostname is a lower-case DNS name, optionally starting with '*.'")
    @ValidationRule(value = "self.all(h, self.exists_one(g, g == h))", message = "hostnames must be unique")
    public List<@Size(min = 1, max = 253) String> hostnames;

    @JsonPropertyDescription("TLS for the hostnames: the certificate, the redirect from plain HTTP and HSTS.")
    public TlsSpec tls;

    @JsonPropertyDescription("The rules, each a set of matches and where the requests they accept go.")
    @Required
    @Size(min = 1, max = 16)
    public List<RuleSpec> rules;
}
