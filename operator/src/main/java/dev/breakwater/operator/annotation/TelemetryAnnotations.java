package dev.breakwater.operator.annotation;

import static dev.breakwater.operator.annotation.AnnotationKey.both;

import java.util.List;

/** What the data plane tells about an Ingress's requests: its access-log lines and its traces. */
final class TelemetryAnnotations {

    static final AnnotationKey<Boolean> ACCESS_LOG = both("enable-access-log", Parsers.BOOLEAN).doc(
            "boolean; default `true`", "`false`: the Ingress's requests write no access-log line (the data plane's "
                    + "`--access-log` sets the format, or turns the log off everywhere)", "");

    static final AnnotationKey<Boolean> TRACING = both("enable-opentelemetry", Parsers.BOOLEAN).doc(
            "boolean; default: the data plane's `--trace-routes` (`all`: `true`)",
            "`true` or `false`: the Ingress's requests get a server span exported by OTLP, and their `traceparent` "
                    + "sent to the backend, or not; the data plane exports only with `--otlp-endpoint`",
            "ingress-nginx traces only where its ConfigMap's `enable-opentelemetry` is true or the annotation says "
                    + "so; here every route is traced once `--otlp-endpoint` is set (`--trace-routes opted-in` is "
                    + "ingress-nginx's way)");

    static final AnnotationKey<Boolean> TRUST_INCOMING_SPAN = both("opentelemetry-trust-incoming-span",
            Parsers.BOOLEAN).doc("boolean; default: the data plane's `--trace-trust-incoming` (`true`)",
            "`true`: a client's `traceparent` is continued (our span its child); `false`: a new trace starts and the "
                    + "client's `traceparent` and `tracestate` are replaced", "");

    static final List<AnnotationKey<?>> KEYS = List.of(ACCESS_LOG, TRACING, TRUST_INCOMING_SPAN);

    private TelemetryAnnotations() {
    }

    /** {@code false} when the access log is off for this Ingress, else null (the default: on). */
    static Boolean accessLog(AnnotationReader r) {
        Boolean v = r.get(ACCESS_LOG);
        return Boolean.FALSE.equals(v) ? Boolean.FALSE : null;
    }

    /** True or false as the Ingress says, or null (the data plane's default). */
    static Boolean tracing(AnnotationReader r) {
        return r.get(TRACING);
    }

    /** True or false as the Ingress says, or null (the data plane's default). */
    static Boolean trustIncomingSpan(AnnotationReader r) {
        return r.get(TRUST_INCOMING_SPAN);
    }
}
