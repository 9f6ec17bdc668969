package dev.breakwater.operator.compile;

import dev.breakwater.routing.Cors;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPCORSFilter;
import java.util.List;

/**
 * An HTTPRoute rule's {@code CORS} filter as the table's {@link Cors} in its Gateway API dialect: a preflight gets
 * 204 without reaching the backend (with the allowed methods and headers when its origin is allowed); other
 * requests from an allowed origin get {@code Access-Control-Allow-Origin} (credentials, exposed headers) on their
 * response; with {@code allowCredentials} answers echo the origin, method and headers instead of {@code *}. {@code maxAge} defaults to 5 seconds, as the spec says. No
 * {@code allowOrigins} allows no origin: requests pass unchanged. An origin or header name the data plane cannot use
 * is reported at its field and the rule answers 500, as for a filter that is not supported.
 */
final class HttpRouteCors {

    /** The spec's default {@code maxAge}. */
    static final long DEFAULT_MAX_AGE_SECONDS = 5;

    /** The policy (null: none), and whether the rule must answer 500. */
    record Result(Cors cors, boolean unusable) {
    }

    private HttpRouteCors() {
    }

    static Result read(RouteContext c, String field, HTTPCORSFilter filter) {
        if (filter == null || filter.getAllowOrigins() == null || filter.getAllowOrigins().isEmpty()) {
            return new Result(null, false);
        }
        try {
            return new Result(new Cors(filter.getAllowOrigins(), orEmpty(filter.getAllowMethods()),
                    orEmpty(filter.getAllowHeaders()), orEmpty(filter.getExposeHeaders()),
                    Boolean.TRUE.equals(filter.getAllowCredentials()),
                    filter.getMaxAge() == null ? DEFAULT_MAX_AGE_SECONDS : filter.getMaxAge().longValue(),
                    Cors.Dialect.GATEWAY_API), false);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            int colon = message.indexOf(':');
            String name = colon > 0 ? message.substring(0, colon) : null;
            c.error(name == null ? field : field + "." + (name.equals("maxAgeSeconds") ? "maxAge" : name),
                    message + "; requests of this rule get 500");
            return new Result(null, true);
        }
    }

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }
}
