package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;

/**
 * One rule: which requests (matches), who may send them (sourceAllowlist, cors), what to do to them (filters), where
 * they go (backends), and how.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.filters) || !(self.filters.exists(f, f.type == 'RequestRedirect') "
        + "&& self.filters.exists(f, f.type == 'URLRewrite'))",
        message = "a rule may not both redirect (RequestRedirect) and rewrite (URLRewrite)")
@ValidationRule(value = "!has(self.filters) || self.filters.all(f, self.filters.exists_one(g, g.type == f.type))",
        message = "a rule has at most one filter of each type")
@ValidationRule(value = "(has(self.backends) && size(self.backends) > 0) "
        + "|| (has(self.filters) && self.filters.exists(f, f.type == 'RequestRedirect'))",
        message = "backends are required, unless the rule redirects (a RequestRedirect filter)")
@ValidationRule(value = "!has(self.filters) || !has(self.matches) || self.matches.all(m, !has(m.path) "
        + "|| m.path.type == 'PathPrefix') || !self.filters.exists(f, "
        + "(has(f.urlRewrite) && has(f.urlRewrite.path) && f.urlRewrite.path.type == 'ReplacePrefixMatch') "
        + "|| (has(f.requestRedirect) && has(f.requestRedirect.path) "
        + "&& f.requestRedirect.path.type == 'ReplacePrefixMatch'))",
        message = "ReplacePrefixMatch needs every match of the rule to be a PathPrefix match")
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

    @JsonPropertyDescription("The Services that get the requests, each with its share (weight). Required unless the "
            + "rule redirects (a RequestRedirect filter), which needs none.")
    @Size(max = 16)
    public List<BackendSpec> backends;

    @JsonPropertyDescription("Client addresses served: IPv4 and IPv6 addresses and CIDR ranges (`10.0.0.0/8`, "
            + "`192.168.1.7`, `2001:db8::/32`); other clients get 403, before anything else of the rule. Default: "
            + "every client.")
    @Size(min = 1, max = 64)
    @ValidationRule(value = "self.all(c, isIP(c) || isCIDR(c))",
            message = "an entry is an IPv4 or IPv6 address or CIDR range (10.0.0.0/8, 2001:db8::/32)")
    public List<@Size(min = 1, max = 64) String> sourceAllowlist;

    @JsonPropertyDescription("CORS answered by the proxy: preflights from allowed origins get 204, responses to them "
            + "the CORS headers. Default: none (requests pass unchanged).")
    public CorsSpec cors;

    @JsonPropertyDescription("External authentication: each request is first asked about to this service, which "
            + "lets it through (2xx), refuses it (401, 403) or fails (500). Default: none.")
    public ForwardAuthSpec forwardAuth;

    @JsonPropertyDescription("HTTP Basic authentication against the users of a Secret: other requests get 401. "
            + "Checked before forwardAuth when both are set. Default: none.")
    public BasicAuthSpec basicAuth;

    @JsonPropertyDescription("Request mirroring: each request of the rule is also sent, as a copy, to this Service; "
            + "its answer is dropped, and the client's comes from the backends, never delayed by the mirror. "
            + "Default: none.")
    public MirrorSpec mirror;

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

    @JsonPropertyDescription("Request rate limiting per client (by default its address): over the limit a request "
            + "gets 429 with Retry-After from the proxy. Each data plane keeps its own count. Default: no limit.")
    public RateLimitSpec rateLimit;

    @JsonPropertyDescription("Response compression (gzip, brotli); off when absent.")
    public CompressionSpec compression;

    @JsonPropertyDescription("`false`: the rule's requests write no access-log line. Default: they do (when the "
            + "data plane writes access logs: its `--access-log`).")
    public Boolean accessLog;

    @JsonPropertyDescription("`true` or `false`: the rule's requests get a server span exported by OTLP (and their "
            + "`traceparent` sent to the backend), or not. Default: the data plane's `--trace-routes` (`all`: "
            + "traced); nothing is traced without the data plane's `--otlp-endpoint`.")
    public Boolean tracing;

    @JsonPropertyDescription("`true`: a client's `traceparent` is continued (the proxy's span its child); `false`: "
            + "every request starts a new trace. Default: the data plane's `--trace-trust-incoming` (`true`).")
    public Boolean trustIncomingSpan;

    @JsonPropertyDescription("How long requests in flight to a removed or terminating endpoint may run before "
            + "their connections are closed, as a duration (`30s`). Default: 30s.")
    @Pattern(Formats.DURATION)
    public String drainTimeout;

    @JsonPropertyDescription("A new endpoint's share ramps up linearly over this duration. Default: at once.")
    @Pattern(Formats.DURATION)
    public String slowStart;
}
