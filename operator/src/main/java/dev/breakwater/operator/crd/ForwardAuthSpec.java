package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * External (forward) authentication: each request is first sent, without its body, to an authentication service,
 * as ingress-nginx's {@code auth-url} and Traefik's ForwardAuth do.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ForwardAuthSpec {

    @JsonPropertyDescription("The service's `http://` or `https://` URL (`http://oauth2-proxy.auth.svc:4180/oauth2/"
            + "auth`). It gets the client's headers, `X-Original-URL`, `X-Original-Method`, `X-Auth-Request-Redirect` "
            + "and `X-Forwarded-*`, no body; 2xx lets the request through, 401 and 403 are given to the client, "
            + "anything else, a connection failure or a timeout is 500.")
    @Required
    @Size(min = 1, max = 2048)
    @Pattern("^https?://[^$\\s]+$")
    public String url;

    @JsonPropertyDescription("The method of the request to the service. Default: GET.")
    @Pattern("^[A-Z]+$")
    @Size(max = 32)
    public String method;

    @JsonPropertyDescription("Where a 401 sends the client (302), with the original URL in the `rd` query "
            + "parameter. Default: the 401 is given as it is.")
    @Size(min = 1, max = 2048)
    @Pattern("^https?://[^\\s]+$")
    public String signin;

    @JsonPropertyDescription("Headers of a 2xx answer that replace the request's before it is forwarded (removed "
            + "when the answer lacks them): `X-Auth-Request-User`, ...")
    @Size(max = 32)
    public List<@Pattern(Formats.HEADER_NAME) @Size(min = 1, max = 256) String> responseHeaders;

    @JsonPropertyDescription("Add the service's Set-Cookie to every response, not only to those below 400. "
            + "Default: false.")
    public Boolean alwaysSetCookie;

    @JsonPropertyDescription("Longest wait for the service's whole answer, as a duration. Default: 10s.")
    @Pattern(Formats.DURATION)
    public String timeout;

    @JsonPropertyDescription("Longest wait for a connection to the service, as a duration. Default: 5s.")
    @Pattern(Formats.DURATION)
    public String connectTimeout;

    @JsonPropertyDescription("Cache the service's answers by this key (ingress-nginx's `auth-cache-key`: text and "
            + "`$http_NAME`, `$cookie_NAME`, `$remote_addr`, `$host`, `$request_uri`, `$uri`, `$scheme`, "
            + "`$request_method`). Default: no cache.")
    @Size(min = 1, max = 512)
    public String cacheKey;

    @JsonPropertyDescription("With cacheKey: how long answers of each status are used, as ingress-nginx's "
            + "`auth-cache-duration` (`200 202 10m, 401 5m`). Default: `200 202 401 5m`.")
    @Size(min = 1, max = 256)
    public String cacheDuration;

    @JsonPropertyDescription("With cacheKey: the most answers cached per data-plane pod. Default: 10000.")
    @Min(1)
    @Max(10000000)
    public Integer cacheMaxEntries;
}
