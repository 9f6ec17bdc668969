package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * A layer-4 listener of the data planes: a TCP or UDP port proxied to Services, or TLS passed through by SNI name
 * (on a port of its own, or on the HTTPS port beside terminated hosts). What Gateway API's TCPRoute, UDPRoute and
 * TLSRoute say about a listener, in one place.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.protocol == 'TLS' || has(self.port)", message = "port is required for TCP and UDP")
@ValidationRule(value = "(self.protocol == 'TLS') == has(self.hostnames)",
        message = "hostnames are required for TLS, and allowed only for it")
@ValidationRule(value = "self.protocol != 'UDP' || !has(self.proxyProtocol)",
        message = "proxyProtocol is for TCP and TLS only")
@ValidationRule(value = "has(self.port) || !has(self.proxyProtocol) || !has(self.proxyProtocol.acceptFrom)",
        message = "proxyProtocol.acceptFrom needs a port (on the HTTPS port it is the data plane's "
                + "--proxy-protocol-from)")
public class ListenerSpec {

    @JsonPropertyDescription("TCP (bytes to the backends), UDP (datagrams; a session per client address) or TLS "
            + "(TCP whose ClientHello's SNI name picks the backends; TLS is not terminated).")
    @Required
    public Protocol protocol;

    @JsonPropertyDescription("The data planes' port (open it on the pods: chart value dataplane.l4Ports). For TLS "
            + "it may be left out: the hostnames are then passed through on the HTTPS port, beside the hosts "
            + "Breakwater terminates.")
    @Min(1)
    @Max(65535)
    public Integer port;

    @JsonPropertyDescription("TLS: the SNI names passed through, exact lower-case DNS names or a `*.` wildcard of "
            + "one label. An exact name wins over a wildcard.")
    @Size(min = 1, max = 16)
    @ValidationRule(value = "self.all(h, h.matches(r'" + Formats.HOSTNAME + "'))",
            message = "a hostname is a lower-case DNS name, optionally starting with '*.'")
    @ValidationRule(value = "self.all(h, self.exists_one(g, g == h))", message = "hostnames must be unique")
    public List<@Size(min = 1, max = 253) String> hostnames;

    @JsonPropertyDescription("Service ports of the Route's namespace and their weights: connections (UDP "
            + "sessions) are balanced over the ready endpoints of all of them.")
    @Required
    @Size(min = 1, max = 16)
    public List<BackendSpec> backends;

    @JsonPropertyDescription("How connections are spread over the endpoints: RoundRobin (default), "
            + "LeastConnections, or SourceHash (a client address keeps its endpoint).")
    public Balancer balancer;

    @JsonPropertyDescription("The PROXY protocol: accepted from clients of some addresses, and sent to the "
            + "endpoints.")
    public ProxyProtocolSpec proxyProtocol;

    /** The transport of a listener. */
    public enum Protocol {
        @JsonProperty("TCP") TCP,
        @JsonProperty("UDP") UDP,
        @JsonProperty("TLS") TLS
    }

    /** The balancers of L4 listeners. */
    public enum Balancer {
        @JsonProperty("RoundRobin") ROUND_ROBIN,
        @JsonProperty("LeastConnections") LEAST_CONNECTIONS,
        @JsonProperty("SourceHash") SOURCE_HASH
    }
}
