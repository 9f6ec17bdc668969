package dev.breakwater.operator.annotation;

import static dev.breakwater.operator.annotation.AnnotationKey.both;
import static dev.breakwater.operator.annotation.AnnotationKey.ours;

import dev.breakwater.routing.RouteFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Headers an Ingress sets and removes from ConfigMaps and lists: {@code custom-headers} (response headers from a
 * ConfigMap), and ours {@code proxy-set-headers} (request headers from a ConfigMap) and {@code hide-headers} (response
 * headers removed), the annotations whose defaults the controller ConfigMap's {@code add-headers},
 * {@code proxy-set-headers} and {@code hide-headers} set.
 */
final class HeaderAnnotations {

    static final AnnotationKey<String> CUSTOM_HEADERS = both("custom-headers", Parsers.SECRET).doc(
            "`namespace/name` or `name` of a ConfigMap", "each key of the ConfigMap a header, its value the header's "
                    + "value, set on every response of the Ingress; re-read when it changes", "values are sent as "
                    + "written: one with an nginx variable (`$`), of more than one line or of more than 4096 "
                    + "characters is a warning and that header is left out; a missing ConfigMap is an error and "
                    + "none of its headers is sent (the Ingress is served without them)");
    /** Ours only (documented in docs/ingress-nginx-annotations.md, the controller ConfigMap's section). */
    static final AnnotationKey<String> PROXY_SET_HEADERS = ours("proxy-set-headers", Parsers.SECRET);
    static final AnnotationKey<String> HIDE_HEADERS = ours("hide-headers", Parsers.TEXT);

    static final List<AnnotationKey<?>> KEYS = List.of(CUSTOM_HEADERS, PROXY_SET_HEADERS, HIDE_HEADERS);

    private HeaderAnnotations() {
    }

    /** The header filters of every route of the Ingress (response, then request), none when nothing is set. */
    static List<RouteFilter> read(AnnotationReader r) {
        List<RouteFilter> filters = new ArrayList<>();
        List<RouteFilter.Header> response = headers(AuthAnnotations.headersOf(r, CUSTOM_HEADERS));
        List<String> hide = hidden(r);
        if (!response.isEmpty() || !hide.isEmpty()) {
            filters.add(new RouteFilter.ResponseHeaderModifier(response, null, hide));
        }
        List<RouteFilter.Header> request = headers(AuthAnnotations.headersOf(r, PROXY_SET_HEADERS));
        if (!request.isEmpty()) {
            filters.add(new RouteFilter.RequestHeaderModifier(request, null, null));
        }
        return List.copyOf(filters);
    }

    private static List<RouteFilter.Header> headers(Map<String, String> headers) {
        if (headers == null) {
            return List.of();
        }
        return headers.entrySet().stream().map(e -> new RouteFilter.Header(e.getKey(), e.getValue())).toList();
    }

    private static List<String> hidden(AnnotationReader r) {
        String value = r.get(HIDE_HEADERS);
        if (value == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String n : value.split(",")) {
            String name = n.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!name.matches("[!#$%&'*+.^_`|~0-9a-z-]+")) {
                r.warn(r.name(HIDE_HEADERS), "\"" + n.trim() + "\" is not a header name; left out");
            } else if (!names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }
}
