package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * HTTP Basic authentication against the htpasswd users of a Secret in the Route's namespace (or, with
 * {@code format: Htdigest}, HTTP Digest authentication against its htdigest users).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BasicAuthSpec {

    @JsonPropertyDescription("An Opaque Secret of the Route's namespace holding htpasswd lines (bcrypt, apr1, SHA-1) "
            + "in its key `auth`, or one key per user with `format: Map`. Watched: a change applies at once; a "
            + "missing Secret or one without a usable user makes the rule answer 503.")
    @Required
    @Size(min = 1, max = 253)
    @Pattern(Formats.DNS_SUBDOMAIN)
    public String secretName;

    @JsonPropertyDescription("`Htpasswd` (default): lines `user:hash` in key `auth`; `Map`: one key per user, its "
            + "value the hash; `Htdigest`: lines `user:realm:HA1` in key `auth`, as htdigest writes them, for HTTP "
            + "Digest authentication (RFC 7616, MD5, qop=auth) instead of Basic.")
    @Pattern("^(Htpasswd|Map|Htdigest)$")
    public String format;

    @JsonPropertyDescription("The realm of `WWW-Authenticate`. Default: `Authentication Required`.")
    @Size(min = 1, max = 256)
    @Pattern("^[^\"\\\\\\x00-\\x1F\\x7F]+$")
    public String realm;
}
