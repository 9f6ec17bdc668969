package dev.breakwater.operator.compile;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.breakwater.operator.policy.AccessPolicies;
import dev.breakwater.operator.crd.CorsSpec;
import dev.breakwater.operator.crd.FilterSpec;
import dev.breakwater.operator.crd.Formats;
import dev.breakwater.operator.crd.HeaderModifierSpec;
import dev.breakwater.operator.crd.HeaderSpec;
import dev.breakwater.operator.crd.PathModifierSpec;
import dev.breakwater.operator.crd.RequestRedirectSpec;
import dev.breakwater.operator.crd.UrlRewriteSpec;
import dev.breakwater.routing.Cors;
import dev.breakwater.routing.PathModifier;
import dev.breakwater.routing.RouteFilter;
import dev.breakwater.routing.SourceAllowlist;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Reads the filters, source allowlist and CORS of one Route rule into the routing table's {@link RouteFilter}s,
 * {@link SourceAllowlist} and {@link Cors}, checking what the CRD's schema checks in a cluster (local mode has no API
 * server) and what the table refuses. Each problem is an ERROR naming the field
 * ({@code spec.rules[0].filters[1].urlRewrite.path.replacePrefixMatch}) and the reason.
 *
 * <p>A filter or allowlist that cannot be used is never left out silently: serving the rule without it would
 * forward requests unchanged that should have been rewritten, redirected or refused, so the rule fails closed
 * ({@link #failClosed()}: it answers 503). CORS that cannot be used is left out (the restrictive side: browsers then
 * refuse cross-origin reads), bad entries of its lists skipped.
 */
final class RouteFilters {

    private static final Pattern HEADER_NAME = Pattern.compile(Formats.HEADER_NAME);
    private static final Pattern HOSTNAME = Pattern.compile(Formats.DNS_SUBDOMAIN);
    private static final Pattern FILTER_PATH = Pattern.compile(Formats.FILTER_PATH);
    private static final Set<Integer> REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);
    private static final int MAX_PATH = 1024;

    private final BiConsumer<String, String> error;
    private final List<RouteFilter> filters = new ArrayList<>();
    private boolean failed;
    private boolean redirectAsked;
    private boolean redirects;
    private String prefixField;
    private SourceAllowlist allowlist;
    private Cors cors;

    private RouteFilters(BiConsumer<String, String> error) {
        this.error = error;
    }

    /**
     * Reads rule {@code field} ({@code spec.rules[i]}): its filters, allowlist and CORS; problems go to
     * {@code error} as (field, reason). CORS's {@code maxAge} is read by {@code seconds} (a duration field).
     */
    static RouteFilters read(String field, List<FilterSpec> filters, List<String> sourceAllowlist, CorsSpec cors,
                             BiConsumer<String, String> error, java.util.function.BiFunction<String, String, Long> seconds) {
        RouteFilters r = new RouteFilters(error);
        r.filters(field + ".filters", filters == null ? List.of() : filters);
        if (sourceAllowlist != null) {
            r.allowlist(field + ".sourceAllowlist", sourceAllowlist);
        }
        if (cors != null) {
            r.cors = r.cors(field + ".cors", cors, seconds);
        }
        return r;
    }

    /** The filters for the rule's routes (empty when it fails closed). */
    List<RouteFilter> filters() {
        return failed ? List.of() : List.copyOf(filters);
    }

    /** True when a filter or the allowlist cannot be used: the rule must answer 503 instead of serving. */
    boolean failClosed() {
        return failed;
    }

    /** True when the rule redirects (a usable RequestRedirect): it needs no backend. */
    boolean redirects() {
        return redirects && !failed;
    }

    /** True when the rule has a RequestRedirect filter, usable or not. */
    boolean redirectAsked() {
        return redirectAsked;
    }

    /**
     * The field of the path modifier that replaces the matched prefix ({@code ...replacePrefixMatch}), or null when
     * no filter does: such a filter needs every match of the rule to be a PathPrefix match.
     */
    String prefixField() {
        return failed ? null : prefixField;
    }

    /** The source allowlist, or null for every client (or when it fails closed). */
    SourceAllowlist allowlist() {
        return allowlist;
    }

    /** The CORS settings, or null for none. */
    Cors cors() {
        return cors;
    }

    private void error(String field, String reason) {
        error.accept(field, reason);
    }

    // ---- filters

    private void filters(String field, List<FilterSpec> specs) {
        Map<FilterSpec.Type, Integer> seen = new EnumMap<>(FilterSpec.Type.class);
        for (int j = 0; j < specs.size(); j++) {
            String f = field + "[" + j + "]";
            FilterSpec spec = specs.get(j);
            if (spec == null) {
                fail(f, "a filter is required");
                continue;
            }
            if (spec.type == null) {
                fail(f + ".type", "type is required: RequestHeaderModifier, ResponseHeaderModifier, URLRewrite or "
                        + "RequestRedirect");
                continue;
            }
            redirectAsked |= spec.type == FilterSpec.Type.REQUEST_REDIRECT;
            Integer first = seen.putIfAbsent(spec.type, j);
            if (first != null) {
                fail(f + ".type", "a second " + wireName(spec.type) + " (the first is filters[" + first + "]); a rule "
                        + "has at most one filter of each type");
                continue;
            }
            if (!onlyItsSettings(f, spec)) {
                failed = true;
                continue;
            }
            RouteFilter filter = switch (spec.type) {
                case REQUEST_HEADER_MODIFIER -> headerModifier(f + ".requestHeaderModifier", spec.requestHeaderModifier,
                        true);
                case RESPONSE_HEADER_MODIFIER -> headerModifier(f + ".responseHeaderModifier",
                        spec.responseHeaderModifier, false);
                case URL_REWRITE -> urlRewrite(f + ".urlRewrite", spec.urlRewrite);
                case REQUEST_REDIRECT -> redirect(f + ".requestRedirect", spec.requestRedirect);
            };
            if (filter == null) {
                failed = true;
            } else {
                filters.add(filter);
                redirects |= filter instanceof RouteFilter.RequestRedirect;
            }
        }
        Integer redirect = seen.get(FilterSpec.Type.REQUEST_REDIRECT);
        Integer rewrite = seen.get(FilterSpec.Type.URL_REWRITE);
        if (redirect != null && rewrite != null) {
            fail(field + "[" + Math.max(redirect, rewrite) + "].type", "a rule either redirects (filters[" + redirect
                    + "]) or rewrites (filters[" + rewrite + "]), not both");
        }
    }

    /** Checks that the filter holds the settings of its type and no other; reports each field that is wrong. */
    private boolean onlyItsSettings(String field, FilterSpec spec) {
        Object[] settings = {spec.requestHeaderModifier, spec.responseHeaderModifier, spec.urlRewrite,
                spec.requestRedirect};
        String[] names = {"requestHeaderModifier", "responseHeaderModifier", "urlRewrite", "requestRedirect"};
        FilterSpec.Type[] types = {FilterSpec.Type.REQUEST_HEADER_MODIFIER, FilterSpec.Type.RESPONSE_HEADER_MODIFIER,
                FilterSpec.Type.URL_REWRITE, FilterSpec.Type.REQUEST_REDIRECT};
        boolean ok = true;
        for (int k = 0; k < types.length; k++) {
            if (types[k] == spec.type && settings[k] == null) {
                error(field + "." + names[k], names[k] + " is required for type " + wireName(spec.type));
                ok = false;
            } else if (types[k] != spec.type && settings[k] != null) {
                error(field + "." + names[k], names[k] + " is only for type " + wireName(types[k]) + ", not "
                        + wireName(spec.type));
                ok = false;
            }
        }
        return ok;
    }

    private RouteFilter headerModifier(String field, HeaderModifierSpec spec, boolean request) {
        boolean[] bad = new boolean[1];
        List<RouteFilter.Header> set = headers(field + ".set", spec.set, "set", bad);
        List<RouteFilter.Header> add = headers(field + ".add", spec.add, "added", bad);
        List<String> remove = removals(field + ".remove", spec.remove, bad);
        if (bad[0]) {
            return null;
        }
        if (set.isEmpty() && add.isEmpty() && remove.isEmpty()) {
            error(field, "nothing to set, add or remove");
            return null;
        }
        try {
            return request ? new RouteFilter.RequestHeaderModifier(set, add, remove)
                    : new RouteFilter.ResponseHeaderModifier(set, add, remove);
        } catch (IllegalArgumentException e) {
            error(field, e.getMessage());
            return null;
        }
    }

    private List<RouteFilter.Header> headers(String field, List<HeaderSpec> specs, String verb, boolean[] bad) {
        List<RouteFilter.Header> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int k = 0; specs != null && k < specs.size(); k++) {
            String f = field + "[" + k + "]";
            HeaderSpec h = specs.get(k);
            if (h == null) {
                bad[0] = true;
                error(f, "a header is required");
                continue;
            }
            if (!headerName(f + ".name", h.name, verb, seen, k)) {
                bad[0] = true;
                continue;
            }
            if (h.value == null) {
                bad[0] = true;
                error(f + ".value", "a value is required");
                continue;
            }
            try {
                out.add(new RouteFilter.Header(h.name, h.value));
            } catch (IllegalArgumentException e) {
                bad[0] = true;
                error(f + ".value", "the value holds control characters (such as CR or LF), which a header value may "
                        + "not");
            }
        }
        return out;
    }

    private List<String> removals(String field, List<String> names, boolean[] bad) {
        List<String> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int k = 0; names != null && k < names.size(); k++) {
            if (headerName(field + "[" + k + "]", names.get(k), "removed", seen, k)) {
                out.add(names.get(k));
            } else {
                bad[0] = true;
            }
        }
        return out;
    }

    /** True when {@code name} is a header name a filter may change, and new in its list; else reported. */
    private boolean headerName(String field, String name, String verb, Map<String, Integer> seen, int index) {
        if (name == null || name.isEmpty() || name.length() > 256 || !HEADER_NAME.matcher(name).matches()) {
            error(field, "\"" + (name == null ? "" : name) + "\" is not a header name (a token of letters, digits and "
                    + "!#$%&'*+-.^_`|~, at most 256)");
            return false;
        }
        try {
            new RouteFilter.Header(name, "");
        } catch (IllegalArgumentException e) {
            error(field, "\"" + name + "\" belongs to the proxy (hop-by-hop, framing or Host): a filter cannot change "
                    + "it");
            return false;
        }
        Integer first = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), index);
        if (first != null) {
            error(field, "\"" + name + "\" is " + verb + " twice (also at [" + first + "])");
            return false;
        }
        return true;
    }

    private RouteFilter urlRewrite(String field, UrlRewriteSpec spec) {
        boolean ok = spec.hostname == null || hostname(field + ".hostname", spec.hostname);
        PathModifier path = spec.path == null ? null : pathModifier(field + ".path", spec.path);
        if (!ok || spec.path != null && path == null) {
            return null;
        }
        if (spec.hostname == null && path == null) {
            error(field, "nothing to rewrite: a hostname or a path is required");
            return null;
        }
        try {
            return new RouteFilter.URLRewrite(spec.hostname, path);
        } catch (IllegalArgumentException e) {
            error(field, e.getMessage());
            return null;
        }
    }

    private RouteFilter redirect(String field, RequestRedirectSpec spec) {
        boolean ok = spec.hostname == null || hostname(field + ".hostname", spec.hostname);
        if (spec.port != null && (spec.port < 1 || spec.port > 65535)) {
            error(field + ".port", "port " + spec.port + " is not 1-65535");
            ok = false;
        }
        if (spec.statusCode != null && !REDIRECT_CODES.contains(spec.statusCode)) {
            error(field + ".statusCode", spec.statusCode + " is not 301, 302, 303, 307 or 308");
            ok = false;
        }
        PathModifier path = spec.path == null ? null : pathModifier(field + ".path", spec.path);
        if (!ok || spec.path != null && path == null) {
            return null;
        }
        String scheme = spec.scheme == null ? null : wireName(spec.scheme);
        try {
            return new RouteFilter.RequestRedirect(scheme, spec.hostname, spec.port, path, spec.statusCode);
        } catch (IllegalArgumentException e) {
            error(field, e.getMessage());
            return null;
        }
    }

    private boolean hostname(String field, String host) {
        if (host.length() > 253 || !HOSTNAME.matcher(host).matches()) {
            error(field, "\"" + host + "\" is not a lower-case DNS name (without port)");
            return false;
        }
        return true;
    }

    private PathModifier pathModifier(String field, PathModifierSpec spec) {
        if (spec.type == null) {
            error(field + ".type", "type is required: ReplaceFullPath or ReplacePrefixMatch");
            return null;
        }
        boolean full = spec.type == PathModifierSpec.Type.REPLACE_FULL_PATH;
        String own = full ? "replaceFullPath" : "replacePrefixMatch";
        String other = full ? "replacePrefixMatch" : "replaceFullPath";
        String value = full ? spec.replaceFullPath : spec.replacePrefixMatch;
        boolean ok = true;
        if ((full ? spec.replacePrefixMatch : spec.replaceFullPath) != null) {
            error(field + "." + other, other + " is only for type " + (full ? "ReplacePrefixMatch" : "ReplaceFullPath")
                    + ", not " + wireName(spec.type));
            ok = false;
        }
        if (value == null) {
            error(field + "." + own, own + " is required for type " + wireName(spec.type));
            return null;
        }
        if (value.length() > MAX_PATH || !FILTER_PATH.matcher(value).matches()) {
            error(field + "." + own, "\"" + value + "\" is not a path: it starts with \"/\" and holds no whitespace, "
                    + "control characters or '#' (at most " + MAX_PATH + " characters)");
            return null;
        }
        if (!ok) {
            return null;
        }
        if (!full) {
            prefixField = field + "." + own;
        }
        return full ? PathModifier.fullPath(value) : PathModifier.prefixMatch(value);
    }

    private void fail(String field, String reason) {
        error(field, reason);
        failed = true;
    }

    // ---- source allowlist and CORS

    private void allowlist(String field, List<String> entries) {
        allowlist = AccessPolicies.allowlist(entries, (k, reason) -> error(k < 0 ? field : field + "[" + k + "]",
                (k < 0 ? "the list " : "") + reason + "; the rule answers 503 rather than serve every client"));
        failed |= allowlist == null;
    }

    private Cors cors(String field, CorsSpec spec, java.util.function.BiFunction<String, String, Long> seconds) {
        List<String> origins = AccessPolicies.origins(spec.allowOrigins == null ? List.of() : spec.allowOrigins,
                (k, reason) -> error(field + ".allowOrigins[" + k + "]", reason + "; this origin is skipped"));
        if (origins.isEmpty()) {
            error(field + ".allowOrigins", "no usable origin; CORS is off");
            return null;
        }
        List<String> methods = corsList(field + ".allowMethods", AccessPolicies.CorsList.METHODS, spec.allowMethods);
        List<String> headers = corsList(field + ".allowHeaders", AccessPolicies.CorsList.HEADERS, spec.allowHeaders);
        List<String> expose = corsList(field + ".exposeHeaders", AccessPolicies.CorsList.EXPOSED, spec.exposeHeaders);
        boolean credentials = Boolean.TRUE.equals(spec.allowCredentials);
        if (credentials && origins.contains("*")) {
            error(field + ".allowCredentials", "browsers refuse credentials with the origin *: name the origins; "
                    + "credentials are not allowed");
            credentials = false;
        }
        Long maxAge = spec.maxAge == null ? null : seconds.apply(field + ".maxAge", spec.maxAge);
        return AccessPolicies.cors(origins, methods, headers, expose, credentials, maxAge);
    }

    private List<String> corsList(String field, AccessPolicies.CorsList list, List<String> entries) {
        return entries == null ? null : AccessPolicies.corsEntries(list, entries, (k, reason) ->
                error(field + "[" + k + "]", reason + "; skipped"));
    }

    /** The name a Route manifest writes for {@code value} (its {@code @JsonProperty}). */
    static String wireName(Enum<?> value) {
        try {
            JsonProperty p = value.getDeclaringClass().getField(value.name()).getAnnotation(JsonProperty.class);
            return p == null ? value.name() : p.value();
        } catch (NoSuchFieldException e) {
            return value.name();
        }
    }
}
