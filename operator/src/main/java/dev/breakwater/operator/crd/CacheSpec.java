package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * The response cache of a rule (RFC 9111, shared cache). The origin's {@code Cache-Control} decides what is stored
 * and for how long; these settings fill in what it leaves open.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CacheSpec {

    @JsonPropertyDescription("Freshness of a storable response without explicit freshness (`s-maxage`, `max-age`, "
            + "`Expires`), in whole seconds; `0s`: such responses are not stored. Default: the data plane's.")
    @Pattern(Formats.DURATION)
    public String defaultTTL;

    @JsonPropertyDescription("Largest body stored, as a quantity (`1Mi`); bigger responses pass unstored. Default: "
            + "the data plane's.")
    public Quantity maxObjectSize;

    @JsonPropertyDescription("How long past freshness a stale entry is served while one request refreshes it, when "
            + "the response does not say.")
    @Pattern(Formats.DURATION)
    public String staleWhileRevalidate;

    @JsonPropertyDescription("How long past freshness a stale entry is served when the origin fails, when the "
            + "response does not say.")
    @Pattern(Formats.DURATION)
    public String staleIfError;

    @JsonPropertyDescription("Store responses that carry Set-Cookie (the stored copy drops the cookie). Default: "
            + "false.")
    public Boolean storeWithSetCookie;

    @JsonPropertyDescription("Change it (e.g. increment it) to drop every entry stored for this rule. Default: 0.")
    @Min(0)
    public Long purgeGeneration;

    @JsonPropertyDescription("Cap of the heuristic freshness (RFC 9111 4.2.2: a tenth of the time since "
            + "`Last-Modified`) of responses without explicit freshness where no `defaultTTL` applies, in whole "
            + "seconds; `0s`: no heuristic. Default: `1d` (86400s).")
    @Pattern(Formats.DURATION)
    public String heuristicMax;

    @JsonPropertyDescription("Obey the targeted fields of RFC 9213, `Breakwater-Cache-Control` then "
            + "`CDN-Cache-Control`, instead of `Cache-Control` and `Expires` when the origin sends one "
            + "(`Breakwater-Cache-Control` is never forwarded). Default: false.")
    public Boolean targetedCacheControl;
}
