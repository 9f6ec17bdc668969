package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A part of the request that identifies a client: one header, one cookie, or the client address. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.header) ? 1 : 0) + (has(self.cookie) ? 1 : 0) "
        + "+ (has(self.sourceIP) && self.sourceIP ? 1 : 0) == 1",
        message = "exactly one of header, cookie and sourceIP: true")
public class RequestKeySpec {

    @JsonPropertyDescription("The value of this request header.")
    @Size(min = 1, max = 256)
    @Pattern(Formats.HEADER_NAME)
    public String header;

    @JsonPropertyDescription("The value of this cookie.")
    @Size(min = 1, max = 256)
    @Pattern(Formats.COOKIE_NAME)
    public String cookie;

    @JsonPropertyDescription("The client's IP address.")
    public Boolean sourceIP;
}
