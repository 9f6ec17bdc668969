package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Cookie session affinity. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SessionAffinitySpec {

    @JsonPropertyDescription("The cookie's name.")
    @Required
    @Size(min = 1, max = 256)
    @Pattern(Formats.COOKIE_NAME)
    public String cookieName;

    @JsonPropertyDescription("`Max-Age` of the cookie, as a duration in whole seconds (`1h`). Default: a session "
            + "cookie.")
    @Pattern(Formats.DURATION)
    public String maxAge;

    @JsonPropertyDescription("`Path` of the cookie. Default: `/`.")
    @Size(min = 1, max = 1024)
    @Pattern("^/")
    public String path;
}
