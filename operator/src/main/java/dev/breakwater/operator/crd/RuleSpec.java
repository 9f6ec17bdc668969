package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;

/** One rule: which requests (matches), what to do to them (filters), where they go (backends), and how. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.filters) || !(self.filters.exists(f, f.type == 'RequestRedirect') "
        + "&& self.filters.exists(f, f.type == 'URLRewrite'))",
        message = "a rule may not both redirect (RequestRedirect) and rewrite (URLRewrite)")
public class RuleSpec {

    @JsonPropertyDescription("A name for the rule, used in route names and metrics. Default: its index.")
    @Size(min = 1, max = 63)
    @Pattern(Formats.DNS_LABEL)
    public String name;

    @JsonPropertyDescription("A request that meets any one match is accepted. Default: one match, PathPrefix /.")
    @Size(max = 16)
    public List<MatchSpec> matches;

    @JsonPropertyDescription("What to do to the requests and responses of this rule.")
    @Size(max = 16)
    public List<FilterSpec> filters;

    @JsonPropertyDescription("The Services that get the requests, each with its share (weight).")
    @Required
    @Size(min = 1, max = 16)
    public List<BackendSpec> backends;

    @JsonPropertyDescription("Timeouts towards the backends.")
    public TimeoutsSpec timeouts;

    @JsonPropertyDescription("Largest request body accepted (413 beyond), as a quantity: `10Mi`, `1Gi`. "
            + "Default: 64Mi.")
    public Quantity maxRequestBodySize;

    @JsonPropertyDescription("When failed attempts are tried again.")
    public RetriesSpec retries;

    @JsonPropertyDescription("How requests are spread over a backend's endpoints. Default: weighted round-robin.")
    public LoadBalancerSpec loadBalancer;

    @JsonPropertyDescription("Cookie session affinity: a client keeps its endpoint while that endpoint can serve.")
    public SessionAffinitySpec sessionAffinity;

    @JsonPropertyDescription("Active health checks of the backends' endpoints.")
    public HealthCheckSpec healthCheck;

    @JsonPropertyDescription("Passive health: endpoints that fail in a row are ejected for a while.")
    public OutlierDetectionSpec outlierDetection;

    @JsonPropertyDescription("The response cache (RFC 9111 shared cache); off when absent.")
    public CacheSpec cache;

    @JsonPropertyDescription("Request rate limiting. Not yet supported: accepted and reported, not enforced.")
    public RateLimitSpec rateLimit;

    @JsonPropertyDescription("Response compression (gzip, brotli); off when absent.")
    public CompressionSpec compression;

    @JsonPropertyDescription("How long requests in flight to a removed or terminating endpoint may run before "
            + "their connections are closed, as a duration (`30s`). Default: 30s.")
    @Pattern(Formats.DURATION)
    public String drainTimeout;

    @JsonPropertyDescription("A new endpoint's share ramps up linearly over this duration. Default: at once.")
    @Pattern(Formats.DURATION)
    public String slowStart;
}
