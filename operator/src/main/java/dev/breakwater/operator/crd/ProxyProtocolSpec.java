package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The PROXY protocol (v1 and v2) on an L4 listener. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProxyProtocolSpec {

    @JsonPropertyDescription("Peers (addresses and CIDR ranges, such as a cloud load balancer's) whose connections "
            + "must begin with a PROXY header (v1 or v2), which then gives the client address; connections from "
            + "other peers are refused. Empty or left out: no header is read.")
    @Size(max = 32)
    @ValidationRule(value = "self.all(c, isIP(c) || isCIDR(c))",
            message = "an entry is an IPv4 or IPv6 address or CIDR range (10.0.0.0/8, 2001:db8::/32)")
    public List<@Size(min = 1, max = 64) String> acceptFrom;

    @JsonPropertyDescription("Send a PROXY header of this version to the endpoints, first on each connection: V1 "
            + "(text) or V2 (binary). Left out: none.")
    public Version send;

    /** The versions of the PROXY protocol. */
    public enum Version {
        @JsonProperty("V1") V1,
        @JsonProperty("V2") V2
    }
}
