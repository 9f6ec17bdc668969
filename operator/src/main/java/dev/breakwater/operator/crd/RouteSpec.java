package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What a Route serves: HTTP rules for its hostnames, layer-4 listeners, or both. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.rules) || has(self.listeners)", message = "a Route needs rules or listeners")
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

    @JsonPropertyDescription("The rules, each a set of matches and where the requests they accept go. Required "
            + "unless the Route has listeners.")
    @Size(min = 1, max = 16)
    public List<RuleSpec> rules;

    @JsonPropertyDescription("Layer-4 listeners: TCP and UDP ports, and TLS passed through by SNI name. A port "
            + "belongs to the oldest object that asks for it (the TCP and UDP services ConfigMaps first); TLS "
            + "listeners of one port share it, each hostname going to the oldest Route that names it.")
    @Size(min = 1, max = 16)
    public List<ListenerSpec> listeners;
}
