package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** What tells the clients of a rate limit apart: their address, a request header, or nothing (the whole rule). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.header) ? 1 : 0) + (has(self.sourceIP) && self.sourceIP ? 1 : 0) "
        + "+ (has(self.route) && self.route ? 1 : 0) == 1",
        message = "exactly one of header, sourceIP: true and route: true")
public class RateLimitKeySpec {

    @JsonPropertyDescription("The client's address: the connection's, or behind a trusted balancer the last "
            + "X-Forwarded-For address.")
    public Boolean sourceIP;

    @JsonPropertyDescription("The value of this request header (an API key, a tenant); a request without it is "
            + "limited by its address.")
    @Size(min = 1, max = 256)
    @Pattern(Formats.HEADER_NAME)
    public String header;

    @JsonPropertyDescription("No key: one limit for the whole rule, shared by every client.")
    public Boolean route;
}
