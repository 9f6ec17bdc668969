package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Request rate limiting per client key: a token bucket of {@code burst} tokens refilled at {@code requests} per
 * {@code per}, kept by each data plane on its own.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RateLimitSpec {

    /** A rate's period: a duration (Gateway API's form), or the unit words of earlier versions. */
    public static final String PER = "^(Second|Minute|Hour|([0-9]{1,5}(h|m|s|ms)){1,4})$";

    @JsonPropertyDescription("Requests allowed per period (`per`), refilled continuously.")
    @Required
    @Min(1)
    @Max(1000000000)
    public Integer requests;

    @JsonPropertyDescription("The period of the rate, as a duration: `1s`, `1m`, `1h`, `10s` (up to 366 days). "
            + "`Second`, `Minute` and `Hour` are accepted too.")
    @Required
    @Pattern(PER)
    public String per;

    @JsonPropertyDescription("Requests a client may make at once (the bucket's capacity) after being idle. "
            + "Default: requests.")
    @Min(1)
    @Max(1000000000)
    public Integer burst;

    @JsonPropertyDescription("What tells clients apart: the client address (sourceIP: true), a request header, or "
            + "nothing (route: true, one limit shared by every client of the rule). Default: sourceIP.")
    public RateLimitKeySpec key;

    @JsonPropertyDescription("Client addresses and CIDR ranges the limit does not apply to (`10.0.0.0/8`, "
            + "`2001:db8::/32`). Default: none.")
    @Size(min = 1, max = 16)
    @ValidationRule(value = "self.all(c, isIP(c) || isCIDR(c))",
            message = "an entry is an IPv4 or IPv6 address or CIDR range (10.0.0.0/8, 2001:db8::/32)")
    public List<@Size(min = 1, max = 64) String> exempt;
}
