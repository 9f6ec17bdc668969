package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Headers to remove, then set (replace), then add (append). Names are case-insensitive, each at most once per list
 * (checked by the compiler: a CEL rule for it would cost more than the API server allows); hop-by-hop headers, the body's framing ({@code Content-Length}, {@code Transfer-Encoding}) and {@code Host} cannot
 * be named (a URLRewrite sets the Host).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.set) && size(self.set) > 0) || (has(self.add) && size(self.add) > 0) "
        + "|| (has(self.remove) && size(self.remove) > 0)",
        message = "a header modifier needs something to set, add or remove")
public class HeaderModifierSpec {

    private static final String NO_RESERVED = "Connection, Keep-Alive, Proxy-Connection, TE, Trailer, "
            + "Transfer-Encoding, Upgrade, Content-Length and Host belong to the proxy: a filter cannot name them";

    @JsonPropertyDescription("Headers set, replacing any value they had.")
    @Size(max = 16)
    @ValidationRule(value = "!self.exists(h, h.name.lowerAscii() in " + Formats.RESERVED_HEADERS_CEL + ")",
            message = NO_RESERVED)
    public List<HeaderSpec> set;

    @JsonPropertyDescription("Headers added beside any value they had.")
    @Size(max = 16)
    @ValidationRule(value = "!self.exists(h, h.name.lowerAscii() in " + Formats.RESERVED_HEADERS_CEL + ")",
            message = NO_RESERVED)
    public List<HeaderSpec> add;

    @JsonPropertyDescription("Names of headers removed.")
    @Size(max = 16)
    @ValidationRule(value = "self.all(n, n.matches(r\"" + Formats.HEADER_NAME + "\"))",
            message = "a header name is a token (letters, digits and !#$%&'*+-.^_`|~)")
    @ValidationRule(value = "!self.exists(n, n.lowerAscii() in " + Formats.RESERVED_HEADERS_CEL + ")",
            message = NO_RESERVED)
    public List<@Size(min = 1, max = 256) String> remove;
}
