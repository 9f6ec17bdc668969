package dev.breakwater.operator.annotation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ConfigMaps of headers an Ingress names: {@code custom-headers} (response headers), ours
 * {@code proxy-set-headers} (request headers) and {@code auth-proxy-set-headers} (headers to the authentication
 * service), each under either prefix, with the controller ConfigMap's defaults ({@code add-headers},
 * {@code proxy-set-headers}) applied. The watch reads this to know which ConfigMaps the compiler will look up, so
 * that it hands the compiler those and recompiles when one of them changes, and only then.
 *
 * <p>A value is read as the compiler reads it: {@code name} is of the Ingress's namespace, {@code namespace/name} as
 * written, anything else names nothing (the compiler warns about it).
 */
public final class HeaderConfigMaps {

    /** The longest header value taken from such a ConfigMap; a longer one is left out with a warning. */
    public static final int MAX_VALUE_LENGTH = 4096;

    private static final List<AnnotationKey<String>> KEYS = List.of(HeaderAnnotations.CUSTOM_HEADERS,
            HeaderAnnotations.PROXY_SET_HEADERS, AuthAnnotations.AUTH_PROXY_SET_HEADERS);

    private HeaderConfigMaps() {
    }

    /**
     * The ConfigMaps ({@code namespace/name}) the annotations of an Ingress of {@code namespace} name, once
     * {@code config}'s defaults are applied to them.
     */
    public static Set<String> named(String namespace, Map<String, String> annotations, ControllerConfig config) {
        AnnotationReader r = new AnnotationReader("", namespace, config.applyTo(annotations), new ArrayList<>());
        Set<String> refs = new TreeSet<>();
        for (AnnotationKey<String> key : KEYS) {
            String ref = r.secret(key);
            if (ref != null) {
                refs.add(ref);
            }
        }
        return refs;
    }

    /**
     * The controller ConfigMap's settings as far as this class needs them (its defaults); its problems are not
     * reported here (the compiler reports them).
     */
    public static ControllerConfig controllerConfig(Map<String, String> data) {
        return data == null ? ControllerConfig.NONE
                : ControllerConfig.read("ConfigMap", data, Map.of(), new ArrayList<>());
    }

    /**
     * What of a ConfigMap's value the compiler needs to read it as a header: the value itself when it is one line
     * of at most {@link #MAX_VALUE_LENGTH} characters (once trimmed), else a shorter stand-in the compiler refuses
     * with the same warning; so a cache may keep that instead of a large value.
     */
    public static String trimmedValue(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            return "-\n-";
        }
        return v.length() > MAX_VALUE_LENGTH ? v.substring(0, MAX_VALUE_LENGTH + 1) : value;
    }
}
