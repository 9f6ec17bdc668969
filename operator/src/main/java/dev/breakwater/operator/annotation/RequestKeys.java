package dev.breakwater.operator.annotation;

import java.util.List;

/**
 * Keys of ingress-nginx's controller ConfigMap about what a request may carry and what is sent on with it
 * ({@code generate-request-id}, {@code proxy-add-original-uri-header}, {@code enable-underscores-in-headers},
 * {@code ignore-invalid-headers}, {@code retry-non-idempotent}), checked against what the data plane does: a value
 * that asks for what Breakwater does is read without a word, any other is a warning naming the difference, a value
 * that is not a boolean is an error. None of them relaxes the data plane's header checks.
 */
final class RequestKeys {

    static final String GENERATE_REQUEST_ID = "generate-request-id";
    static final String PROXY_ADD_ORIGINAL_URI_HEADER = "proxy-add-original-uri-header";
    static final String ENABLE_UNDERSCORES_IN_HEADERS = "enable-underscores-in-headers";
    static final String IGNORE_INVALID_HEADERS = "ignore-invalid-headers";
    static final String RETRY_NON_IDEMPOTENT = "retry-non-idempotent";

    private RequestKeys() {
    }

    /** True when {@code name} is one of these keys. */
    static boolean isOne(String name) {
        return switch (name) {
            case GENERATE_REQUEST_ID, PROXY_ADD_ORIGINAL_URI_HEADER, ENABLE_UNDERSCORES_IN_HEADERS,
                 IGNORE_INVALID_HEADERS, RETRY_NON_IDEMPOTENT -> true;
            default -> false;
        };
    }

    /** True when {@code value} of key {@code name} can be used; why not to {@code problems}, what differs to warnings. */
    static boolean check(String name, String value, List<String> problems, List<String> warnings) {
        Boolean b = Parsers.BOOLEAN.parse(value, r -> problems.add(r.replace("; ignored", "")));
        if (b == null) {
            return false;
        }
        String difference = switch (name) {
            case GENERATE_REQUEST_ID -> b ? null : "\"false\" is not applied: Breakwater sends every request on "
                    + "with an X-Request-ID, the client's when it is 1 to 128 letters, digits, '.', '_' or '-', else "
                    + "one of its own";
            case PROXY_ADD_ORIGINAL_URI_HEADER -> b ? "\"true\" is not applied: Breakwater sends no X-Original-URI "
                    + "of its own to the endpoints (a client's own is passed on, as nginx does without the key)" : null;
            case ENABLE_UNDERSCORES_IN_HEADERS -> b ? null : "\"false\" is not applied: Breakwater passes request "
                    + "headers whose names have an underscore on to the endpoints (nginx drops them)";
            case IGNORE_INVALID_HEADERS -> b ? null : "\"false\" is not applied: a request header whose name is "
                    + "not an HTTP token is refused with 400, never passed on";
            case RETRY_NON_IDEMPOTENT -> b ? "\"true\" is not applied: Breakwater retries only requests without a "
                    + "body whose method is idempotent (GET, HEAD, OPTIONS, PUT, DELETE, TRACE), and any request "
                    + "whose connection could not be opened" : null;
            default -> throw new IllegalArgumentException("not a request key: " + name);
        };
        if (difference != null) {
            warnings.add(difference);
        }
        return true;
    }
}
