package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** Timeouts towards the backends, as durations ({@code 250ms}, {@code 5s}, {@code 1m30s}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TimeoutsSpec {

    @JsonPropertyDescription("Longest wait for a TCP connection to an endpoint. Default: 5s.")
    @Pattern(Formats.DURATION)
    public String connect;

    @JsonPropertyDescription("Longest silence from the endpoint: before the response head, and between two reads "
            + "of the response body (504 when it runs out before the head). Default: 60s.")
    @Pattern(Formats.DURATION)
    public String response;

    @JsonPropertyDescription("An upgraded (WebSocket) connection silent both ways this long is closed. "
            + "Default: 1h.")
    @Pattern(Formats.DURATION)
    public String webSocketIdle;
}
