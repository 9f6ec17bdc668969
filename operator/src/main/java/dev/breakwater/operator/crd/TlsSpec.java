package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** TLS for a Route's host names. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TlsSpec {

    @JsonPropertyDescription("A `kubernetes.io/tls` Secret in the Route's namespace (`tls.crt`, `tls.key`) whose "
            + "certificate covers the hostnames.")
    @Required
    @Size(min = 1, max = 253)
    @Pattern(Formats.DNS_SUBDOMAIN)
    public String secretName;

    @JsonPropertyDescription("Answer plain-HTTP requests with a 308 redirect to HTTPS. Default: true.")
    public Boolean redirectHttp;

    @JsonPropertyDescription("Strict-Transport-Security on HTTPS responses; none when absent.")
    public HstsSpec hsts;
}
