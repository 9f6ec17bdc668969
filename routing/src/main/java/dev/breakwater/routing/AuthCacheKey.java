package dev.breakwater.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The key external-authentication answers are cached by, written as ingress-nginx's {@code auth-cache-key}: text
 * and nginx variables, of which these are known: {@code $http_NAME} (a request header, {@code _} for {@code -}),
 * {@code $cookie_NAME}, {@code $remote_addr}, {@code $host}, {@code $request_uri}, {@code $uri}, {@code $scheme} and
 * {@code $request_method}. Any other variable is refused, so that a key never ignores what it was meant to hold.
 *
 * @param parts the text pieces and variables, in order
 */
public record AuthCacheKey(List<Part> parts) {

    /** One piece of a key: literal text ({@code variable} null) or a variable with its argument. */
    public record Part(String text, Variable variable, String argument) {
    }

    /** The variables a key may hold. */
    public enum Variable { HEADER, COOKIE, REMOTE_ADDR, HOST, REQUEST_URI, URI, SCHEME, METHOD }

    public AuthCacheKey {
        parts = List.copyOf(parts);
    }

    /** Parses {@code key}; throws, naming the variable, when it holds one that is not known. */
    public static AuthCacheKey parse(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("cacheKey: empty");
        }
        List<Part> parts = new ArrayList<>();
        int i = 0;
        while (i < key.length()) {
            int dollar = key.indexOf('$', i);
            if (dollar < 0) {
                parts.add(new Part(key.substring(i), null, null));
                break;
            }
            if (dollar > i) {
                parts.add(new Part(key.substring(i, dollar), null, null));
            }
            int end = dollar + 1;
            boolean braced = end < key.length() && key.charAt(end) == '{';
            int start = braced ? end + 1 : end;
            end = start;
            while (end < key.length() && (Character.isLetterOrDigit(key.charAt(end)) || key.charAt(end) == '_')) {
                end++;
            }
            String name = key.substring(start, end).toLowerCase(Locale.ROOT);
            if (braced) {
                if (end >= key.length() || key.charAt(end) != '}') {
                    throw new IllegalArgumentException("cacheKey: \"" + key + "\": unclosed ${");
                }
                end++;
            }
            parts.add(variable(key, name));
            i = end;
        }
        return new AuthCacheKey(parts);
    }

    private static Part variable(String key, String name) {
        if (name.startsWith("http_") && name.length() > 5) {
            return new Part(null, Variable.HEADER, name.substring(5).replace('_', '-'));
        }
        if (name.startsWith("cookie_") && name.length() > 7) {
            return new Part(null, Variable.COOKIE, name.substring(7));
        }
        Variable v = switch (name) {
            case "remote_addr" -> Variable.REMOTE_ADDR;
            case "host" -> Variable.HOST;
            case "request_uri" -> Variable.REQUEST_URI;
            case "uri" -> Variable.URI;
            case "scheme" -> Variable.SCHEME;
            case "request_method" -> Variable.METHOD;
            default -> throw new IllegalArgumentException("cacheKey: \"" + key + "\": $" + name + " is not one of "
                    + "$http_NAME, $cookie_NAME, $remote_addr, $host, $request_uri, $uri, $scheme, $request_method");
        };
        return new Part(null, v, null);
    }
}
