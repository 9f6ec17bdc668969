package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Conditions a request must all meet. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MatchSpec {

    @JsonPropertyDescription("The path condition. Default: PathPrefix /.")
    public PathMatchSpec path;

    @JsonPropertyDescription("Header conditions, all of which must hold.")
    @Size(max = 16)
    public List<ValueMatchSpec> headers;

    @JsonPropertyDescription("Query-parameter conditions, all of which must hold.")
    @Size(max = 16)
    public List<ValueMatchSpec> queryParams;

    @JsonPropertyDescription("The request method; any when absent.")
    public HttpMethod method;

    /** The methods a match may name (those of HTTPRoute). */
    public enum HttpMethod { GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH }
}
