package dev.breakwater.operator.annotation;

import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.routing.AccessLogFormat;
import dev.breakwater.routing.Cidr;
import dev.breakwater.routing.EdgeSettings;
import dev.breakwater.routing.ForwardedHeaders;
import dev.breakwater.routing.RequestBlocklist;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What ingress-nginx's controller ConfigMap says, read by its keys ({@link ControllerConfigKeys}): the default
 * annotations of every Ingress, and the external authentication of those without their own. A value that does not
 * parse is an error naming the ConfigMap and the key ({@code ConfigMap/ns/name data['proxy-body-size']}); that key
 * keeps the last good value it had (given by the caller), or none. Every key not read is a warning naming it.
 *
 * @param defaults   annotation name (with its prefix) to value, set on every Ingress that does not set it
 * @param globalAuth annotation name to value, set on every Ingress without {@code auth-url} of its own and without
 *                   {@code enable-global-auth: "false"}
 * @param good       every key whose value was used, with that value (the last good values of the next read)
 * @param edge       the settings of every data plane the keys give (forwarded headers, keep-alive, header limits,
 *                   upstream pool), carried by the routing table; {@link EdgeSettings#NONE} for none
 */
public record ControllerConfig(Map<String, String> defaults, Map<String, String> globalAuth,
                               Map<String, String> good, EdgeSettings edge) {

    public static final ControllerConfig NONE = new ControllerConfig(Map.of(), Map.of(), Map.of(),
            EdgeSettings.NONE);

    public ControllerConfig {
        defaults = Collections.unmodifiableMap(new TreeMap<>(defaults));
        globalAuth = Collections.unmodifiableMap(new TreeMap<>(globalAuth));
        good = Collections.unmodifiableMap(new TreeMap<>(good));
        edge = edge == null ? EdgeSettings.NONE : edge;
    }

    private static final Set<String> PROTOCOLS_SERVED = Set.of("TLSv1.2", "TLSv1.3");

    /**
     * Reads {@code data}, the ConfigMap {@code object} ({@code ConfigMap/ns/name}); problems go to
     * {@code diagnostics}.
     *
     * @param lastGood the keys used by the previous read, with their values (empty at first)
     */
    public static ControllerConfig read(String object, Map<String, String> data, Map<String, String> lastGood,
                                        List<Diagnostic> diagnostics) {
        Map<String, String> defaults = new TreeMap<>();
        Map<String, String> globalAuth = new TreeMap<>();
        Map<String, String> good = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(data == null ? Map.<String, String>of() : data).entrySet()) {
            String name = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().trim();
            String field = "data['" + name + "']";
            ControllerConfigKeys.ConfigKey key = ControllerConfigKeys.key(name);
            if (key == null) {
                diagnostics.add(Diagnostic.warning(object, field, name.endsWith("-snippet")
                        ? "snippets are not supported: no value is ever used as configuration text; ignored"
                        : "this ingress-nginx ConfigMap key is not read by Breakwater and is ignored"
                        + (ControllerConfigKeys.NOT_READ_BECAUSE.containsKey(name)
                                ? ": " + ControllerConfigKeys.NOT_READ_BECAUSE.get(name)
                                : " (see docs/ingress-nginx-annotations.md#the-controller-configmap)")));
                continue;
            }
            if (value.isEmpty()) {
                continue;
            }
            List<String> problems = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            boolean usable = check(key, value, problems, warnings);
            warnings.forEach(w -> diagnostics.add(Diagnostic.warning(object, field, w)));
            if (!usable) {
                String kept = lastGood.get(name);
                diagnostics.add(Diagnostic.error(object, field, String.join("; ", problems) + (kept == null
                        ? "; not applied (no earlier value to keep)"
                        : "; the last good value \"" + kept + "\" is kept")));
                if (kept == null) {
                    continue;
                }
                value = kept;
            }
            good.put(name, value);
            if (key.annotation() != null) {
                (key.globalAuth() ? globalAuth : defaults).put(key.annotationName(), value);
            }
        }
        GzipKeys.apply(object, good, defaults, diagnostics);
        // hsts-max-age and the others without hsts: HSTS is on, ingress-nginx's default for the key
        String hsts = TlsAnnotations.HSTS.oursName();
        if (!defaults.containsKey(hsts) && defaults.keySet().stream().anyMatch(k -> k.startsWith(hsts + "-"))) {
            defaults.put(hsts, "true");
        }
        if (globalAuth.isEmpty() || !globalAuth.containsKey(AuthAnnotations.AUTH_URL.nginxName())) {
            for (String k : globalAuth.keySet()) {
                diagnostics.add(Diagnostic.warning(object, "data['global-" + k.substring(AnnotationTable.NGINX
                        .length()) + "']", "has no effect without global-auth-url"));
            }
            globalAuth.clear();
        }
        return new ControllerConfig(defaults, globalAuth, good, edge(object, good, diagnostics));
    }

    /** The data-plane settings of the keys used ({@code good}), whose values have been checked. */
    private static EdgeSettings edge(String object, Map<String, String> good, List<Diagnostic> diagnostics) {
        boolean useForwarded = "true".equalsIgnoreCase(good.get(ControllerConfigKeys.USE_FORWARDED_HEADERS));
        boolean realIp = "true".equalsIgnoreCase(good.get(ControllerConfigKeys.ENABLE_REAL_IP));
        boolean proxyProtocol = "true".equalsIgnoreCase(good.get(ControllerConfigKeys.USE_PROXY_PROTOCOL));
        List<String> proxyProtocolFrom = proxyProtocol
                ? cidrs(good.getOrDefault(ControllerConfigKeys.PROXY_REAL_IP_CIDR, "0.0.0.0/0")) : null;
        ForwardedHeaders forwarded = null;
        if (useForwarded || realIp) {
            String header = good.getOrDefault(ControllerConfigKeys.FORWARDED_FOR_HEADER, "X-Forwarded-For");
            boolean full = "true".equalsIgnoreCase(good.get(ControllerConfigKeys.COMPUTE_FULL_FORWARDED_FOR));
            forwarded = new ForwardedHeaders(useForwarded, header, full,
                    cidrs(good.getOrDefault(ControllerConfigKeys.PROXY_REAL_IP_CIDR, "0.0.0.0/0")));
        } else {
            for (String k : List.of(ControllerConfigKeys.FORWARDED_FOR_HEADER,
                    ControllerConfigKeys.COMPUTE_FULL_FORWARDED_FOR, ControllerConfigKeys.PROXY_REAL_IP_CIDR)) {
                if (good.containsKey(k) && !(k.equals(ControllerConfigKeys.PROXY_REAL_IP_CIDR) && proxyProtocol)) {
                    diagnostics.add(Diagnostic.warning(object, "data['" + k + "']", "has no effect without "
                            + "use-forwarded-headers: \"true\" or enable-real-ip: \"true\""
                            + (k.equals(ControllerConfigKeys.PROXY_REAL_IP_CIDR) ? " or use-proxy-protocol: \"true\""
                            : "") + " (as in ingress-nginx)"));
                }
            }
        }
        Long keepAlive = seconds(good.get(ControllerConfigKeys.KEEP_ALIVE));
        Long upstreamIdle = seconds(good.get(ControllerConfigKeys.UPSTREAM_KEEPALIVE_TIMEOUT));
        String buffers = good.get(ControllerConfigKeys.LARGE_CLIENT_HEADER_BUFFERS);
        Integer headBytes = buffers == null ? null : (int) Math.min(Integer.MAX_VALUE, headerBuffers(buffers));
        String idle = good.get(ControllerConfigKeys.UPSTREAM_KEEPALIVE_CONNECTIONS);
        String clientRequests = good.get(ControllerConfigKeys.KEEP_ALIVE_REQUESTS);
        String upstreamRequests = good.get(ControllerConfigKeys.UPSTREAM_KEEPALIVE_REQUESTS);
        String ciphers = good.get(ControllerConfigKeys.SSL_CIPHERS);
        Long headSeconds = seconds(good.get(ProtocolKeys.CLIENT_HEADER_TIMEOUT));
        String lifetime = good.get(ControllerConfigKeys.UPSTREAM_KEEPALIVE_TIME);
        return new EdgeSettings(forwarded, keepAlive == null || keepAlive == 0 ? null : keepAlive * 1000,
                headBytes, idle == null ? null : Integer.valueOf(idle),
                upstreamIdle == null || upstreamIdle == 0 ? null : upstreamIdle * 1000,
                clientRequests == null ? null : Integer.valueOf(clientRequests),
                upstreamRequests == null ? null : Integer.valueOf(upstreamRequests),
                ciphers == null ? null : CipherString.read(ciphers, new ArrayList<>()),
                logFormat(object, good, diagnostics), headSeconds == null ? null : headSeconds * 1000,
                lifetime == null ? null : Parsers.DURATION.parse(lifetime, r -> { }), proxyProtocolFrom,
                blocklist(good));
    }

    /** The access log's line of {@code log-format-upstream} with its escape keys, or null. */
    private static AccessLogFormat logFormat(String object, Map<String, String> good, List<Diagnostic> diagnostics) {
        String format = good.get(ControllerConfigKeys.LOG_FORMAT_UPSTREAM);
        boolean json = "true".equalsIgnoreCase(good.get(ControllerConfigKeys.LOG_FORMAT_ESCAPE_JSON));
        boolean none = "true".equalsIgnoreCase(good.get(ControllerConfigKeys.LOG_FORMAT_ESCAPE_NONE));
        if (format == null) {
            for (String k : List.of(ControllerConfigKeys.LOG_FORMAT_ESCAPE_JSON,
                    ControllerConfigKeys.LOG_FORMAT_ESCAPE_NONE)) {
                if (good.containsKey(k)) {
                    diagnostics.add(Diagnostic.warning(object, "data['" + k + "']", "has no effect without "
                            + "log-format-upstream: Breakwater's own formats (--access-log json|text) escape as "
                            + "they do"));
                }
            }
            return null;
        }
        return NginxLogFormat.read(format, none ? AccessLogFormat.Escape.NONE
                : json ? AccessLogFormat.Escape.JSON : AccessLogFormat.Escape.DEFAULT, new ArrayList<>());
    }

    /** Adds a problem for each of the comma-separated ranges in {@code value} that is not one, or {@code none}. */
    private static void checkCidrs(String value, String none, List<String> problems) {
        List<String> ranges = cidrs(value);
        for (String c : ranges) {
            try {
                Cidr.parse(c);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (ranges.isEmpty()) {
            problems.add(none);
        }
    }

    private static List<String> cidrs(String value) {
        return java.util.Arrays.stream(value.split("[,\\s]+")).filter(c -> !c.isEmpty()).toList();
    }

    /**
     * The entries of a {@code block-user-agents} or {@code block-referers} value, in order: each bad one left out with
     * a warning saying why, those beyond {@link RequestBlocklist#MAX_ENTRIES} too.
     */
    private static List<RequestBlocklist.Entry> blockEntries(String value, List<String> warnings) {
        List<RequestBlocklist.Entry> entries = new ArrayList<>();
        List<String> beyond = new ArrayList<>();
        for (String raw : value.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            try {
                RequestBlocklist.Entry parsed = RequestBlocklist.Entry.parse(entry);
                if (entries.size() == RequestBlocklist.MAX_ENTRIES) {
                    beyond.add(entry);
                } else {
                    entries.add(parsed);
                }
            } catch (IllegalArgumentException e) {
                warnings.add("entry \"" + abbreviated(entry) + "\" left out: " + e.getMessage()
                        + "; the other entries apply");
            }
        }
        if (!beyond.isEmpty()) {
            warnings.add(beyond.size() + " entries beyond the first " + RequestBlocklist.MAX_ENTRIES
                    + " left out (from \"" + abbreviated(beyond.get(0)) + "\")");
        }
        return entries;
    }

    private static String abbreviated(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /** The request blocklist of the keys used ({@code good}), or null for none. */
    private static RequestBlocklist blocklist(Map<String, String> good) {
        String agents = good.get(ControllerConfigKeys.BLOCK_USER_AGENTS);
        String referers = good.get(ControllerConfigKeys.BLOCK_REFERERS);
        if (agents == null && referers == null) {
            return null;
        }
        return new RequestBlocklist(agents == null ? List.of() : blockEntries(agents, new ArrayList<>()),
                referers == null ? List.of() : blockEntries(referers, new ArrayList<>()));
    }

    private static Long seconds(String value) {
        return value == null ? null : Parsers.WHOLE_SECONDS.parse(value, r -> { });
    }

    /** {@code "4 8k"}: number times size, in bytes. */
    private static long headerBuffers(String value) {
        String[] parts = value.trim().split("\\s+");
        return Long.parseLong(parts[0]) * Parsers.SIZE.parse(parts[1], r -> { });
    }

    /** True when {@code value} can be used; why not goes to {@code problems}, what differs to {@code warnings}. */
    private static boolean check(ControllerConfigKeys.ConfigKey key, String value, List<String> problems,
                                 List<String> warnings) {
        if (GzipKeys.isOne(key.name())) {
            return GzipKeys.check(key.name(), value, problems, warnings);
        }
        if (RequestKeys.isOne(key.name())) {
            return RequestKeys.check(key.name(), value, problems, warnings);
        }
        if (ProtocolKeys.isOne(key.name())) {
            return ProtocolKeys.check(key.name(), value, problems, warnings);
        }
        for (AnnotationKey<?> buffering : HostAnnotations.BUFFERING) {
            if (buffering.nginx().equals(key.name())) {
                String difference = HostAnnotations.bufferingDifference(buffering, value, r -> problems.add(strip(r)));
                if (difference != null) {
                    warnings.add(difference);
                }
                return problems.isEmpty();
            }
        }
        if (key.annotation() == AccessAnnotations.WHITELIST || key.annotation() == HostAnnotations.DENYLIST
                || key.name().equals(ControllerConfigKeys.BLOCK_CIDRS)) {
            checkCidrs(value, "no CIDR range or address", problems);
            return problems.isEmpty();
        }
        switch (key.name()) {
            case ControllerConfigKeys.BLOCK_USER_AGENTS, ControllerConfigKeys.BLOCK_REFERERS -> {
                if (blockEntries(value, warnings).isEmpty()) {
                    problems.add("no usable entry (expected: strings, ~regex or ~*regex, separated by commas)");
                }
                return problems.isEmpty();
            }
            case ControllerConfigKeys.ALLOW_SNIPPET_ANNOTATIONS -> {
                Boolean b = Parsers.BOOLEAN.parse(value, r -> problems.add(strip(r)));
                if (Boolean.TRUE.equals(b)) {
                    warnings.add("\"true\" is not applied: Breakwater never uses a snippet as configuration text "
                            + "(allow-snippet-annotations is always false)");
                }
                return b != null;
            }
            case ControllerConfigKeys.GLOBAL_AUTH_SNIPPET -> {
                warnings.add("snippets are not supported: no value is ever used as configuration text; ignored "
                        + "(the rest of the global authentication applies)");
                return true;
            }
            case ControllerConfigKeys.SERVER_TOKENS -> {
                Boolean b = Parsers.BOOLEAN.parse(value, r -> problems.add(strip(r)));
                if (Boolean.TRUE.equals(b)) {
                    warnings.add("\"true\" is not applied: Breakwater sends no Server header of its own");
                }
                return b != null;
            }
            case ControllerConfigKeys.SSL_PROTOCOLS -> {
                List<String> asked = List.of(value.split("\\s+"));
                for (String p : asked) {
                    if (!p.matches("(SSLv2|SSLv3|TLSv1|TLSv1\\.[0-3])")) {
                        problems.add("\"" + p + "\" is not a protocol (expected: TLSv1.2, TLSv1.3)");
                    }
                }
                if (problems.isEmpty() && !PROTOCOLS_SERVED.containsAll(asked)
                        || problems.isEmpty() && !asked.containsAll(PROTOCOLS_SERVED)) {
                    warnings.add("\"" + value + "\" differs: Breakwater serves TLSv1.2 and TLSv1.3, never older "
                            + "protocols, and always both");
                }
                return problems.isEmpty();
            }
            case ControllerConfigKeys.SSL_CIPHERS -> {
                if (CipherString.read(value, warnings).isEmpty()) {
                    problems.add("\"" + value + "\" leaves no TLS 1.2 cipher suite that Breakwater serves");
                }
                return problems.isEmpty();
            }
            case ControllerConfigKeys.LOG_FORMAT_UPSTREAM -> {
                if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                    problems.add("a format of more than one line (an access-log line is one line)");
                    return false;
                }
                NginxLogFormat.read(value, AccessLogFormat.Escape.DEFAULT, warnings);
                return true;
            }
            case ControllerConfigKeys.USE_FORWARDED_HEADERS, ControllerConfigKeys.ENABLE_REAL_IP,
                 ControllerConfigKeys.USE_PROXY_PROTOCOL,
                 ControllerConfigKeys.COMPUTE_FULL_FORWARDED_FOR, ControllerConfigKeys.LOG_FORMAT_ESCAPE_JSON,
                 ControllerConfigKeys.LOG_FORMAT_ESCAPE_NONE -> {
                return Parsers.BOOLEAN.parse(value, r -> problems.add(strip(r))) != null;
            }
            case ControllerConfigKeys.FORWARDED_FOR_HEADER -> {
                if (!value.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                    problems.add("\"" + value + "\" is not a header name");
                }
                return problems.isEmpty();
            }
            case ControllerConfigKeys.PROXY_REAL_IP_CIDR -> {
                checkCidrs(value, "no CIDR range", problems);
                return problems.isEmpty();
            }
            case ControllerConfigKeys.KEEP_ALIVE, ControllerConfigKeys.UPSTREAM_KEEPALIVE_TIMEOUT -> {
                Long s = Parsers.WHOLE_SECONDS.parse(value, r -> problems.add(strip(r)));
                if (s != null && s == 0) {
                    warnings.add("\"0\" (no keep-alive) is not applied: Breakwater keeps idle connections open "
                            + "for its own idle timeout");
                }
                return s != null;
            }
            case ControllerConfigKeys.UPSTREAM_KEEPALIVE_TIME -> {
                return Parsers.DURATION.parse(value, r -> problems.add(strip(r))) != null;
            }
            case ControllerConfigKeys.UPSTREAM_KEEPALIVE_CONNECTIONS -> {
                if (!value.matches("\\d{1,6}")) {
                    problems.add("\"" + value + "\" is not a number of connections");
                }
                return problems.isEmpty();
            }
            case ControllerConfigKeys.KEEP_ALIVE_REQUESTS, ControllerConfigKeys.UPSTREAM_KEEPALIVE_REQUESTS -> {
                if (!value.matches("\\d{1,9}") || Integer.parseInt(value) == 0) {
                    problems.add("\"" + value + "\" is not a number of requests (expected: a whole number from 1)");
                }
                return problems.isEmpty();
            }
            case ControllerConfigKeys.LARGE_CLIENT_HEADER_BUFFERS -> {
                String[] parts = value.split("\\s+");
                Long size = parts.length == 2 && parts[0].matches("\\d{1,4}") && !parts[0].equals("0")
                        ? Parsers.SIZE.parse(parts[1], r -> { }) : null;
                if (size == null || size == Long.MAX_VALUE) {
                    problems.add("\"" + value + "\" is not a number and a size such as \"4 8k\"");
                    return false;
                }
                long bytes = Long.parseLong(parts[0]) * size;
                if (bytes < 1024 || bytes > 1 << 20) {
                    problems.add("\"" + value + "\" gives " + bytes + " bytes (expected: 1k to 1m in all)");
                    return false;
                }
                return true;
            }
            default -> {
                if (key.name().equals(ControllerConfigKeys.GLOBAL_AUTH_URL)) {
                    String reason = authUrlProblem(value);
                    if (reason != null) {
                        problems.add(reason);
                        return false;
                    }
                }
                Object parsed = key.annotation().parser().parse(value, r -> problems.add(strip(r)));
                return parsed != null && problems.isEmpty();
            }
        }
    }

    private static String authUrlProblem(String url) {
        if (url.contains("$")) {
            return "\"" + url + "\" holds an nginx variable, which Breakwater does not expand";
        }
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
                return null;
            }
        } catch (java.net.URISyntaxException ignored) {
            // reported below
        }
        return "\"" + url + "\" is not an http:// or https:// URL with a host";
    }

    private static String strip(String reason) {
        return reason.endsWith("; ignored") ? reason.substring(0, reason.length() - "; ignored".length()) : reason;
    }

    /**
     * {@code annotations} (an Ingress's) with this ConfigMap's defaults for those it does not set, under either
     * prefix; the global authentication too when it has no {@code auth-url} and no
     * {@code enable-global-auth: "false"}. A canary Ingress takes nothing: its main Ingress's settings apply to it.
     */
    public Map<String, String> applyTo(Map<String, String> annotations) {
        Map<String, String> own = annotations == null ? Map.of() : annotations;
        String block = good.get(ControllerConfigKeys.BLOCK_CIDRS);
        if (defaults.isEmpty() && globalAuth.isEmpty() && block == null || isCanary(own)) {
            return own;
        }
        Map<String, String> merged = new TreeMap<>(own);
        defaults.forEach((name, value) -> {
            AnnotationKey<?> key = AnnotationTable.key(name);
            if (!set(own, key.oursName()) && !set(own, key.nginxName())) {
                merged.put(name, value);
            }
        });
        AnnotationKey<?> url = AuthAnnotations.AUTH_URL;
        if (!globalAuth.isEmpty() && !set(own, url.oursName()) && !set(own, url.nginxName())
                && !"false".equalsIgnoreCase(value(own, AuthAnnotations.ENABLE_GLOBAL_AUTH))) {
            merged.putAll(globalAuth);
        }
        // block-cidrs is nginx's deny at the http level: a location with access rules of its own replaces it
        if (block != null && Stream.of(AccessAnnotations.ALLOWLIST, AccessAnnotations.WHITELIST, HostAnnotations.DENYLIST)
                .noneMatch(k -> set(merged, k.nginxName()) || set(merged, k.oursName()))) {
            merged.put(HostAnnotations.DENYLIST.nginxName(), block);
        }
        return merged;
    }

    private static String value(Map<String, String> annotations, AnnotationKey<?> key) {
        String ours = key.oursName() == null ? null : annotations.get(key.oursName());
        String v = ours != null ? ours : annotations.get(key.nginxName());
        return v == null ? null : v.trim();
    }

    private static boolean isCanary(Map<String, String> annotations) {
        return "true".equalsIgnoreCase(value(annotations, CanaryAnnotations.CANARY));
    }

    private static boolean set(Map<String, String> annotations, String name) {
        return name != null && annotations.get(name) != null && !annotations.get(name).isBlank();
    }
}
