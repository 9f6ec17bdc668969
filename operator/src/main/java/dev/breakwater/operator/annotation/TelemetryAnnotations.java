package dev.breakwater.operator.annotation;

import static dev.breakwater.operator.annotation.AnnotationKey.both;

import java.util.List;

/** What the data plane tells about an Ingress's requests: its access-log lines. */
final class TelemetryAnnotations {

    static final AnnotationKey<Boolean> ACCESS_LOG = both("enable-access-log", Parsers.BOOLEAN).doc(
            "boolean; default `true`", "`false`: the Ingress's requests write no access-log line (the data plane's "
                    + "`--access-log` sets the format, or turns the log off everywhere)", "");

    static final List<AnnotationKey<?>> KEYS = List.of(ACCESS_LOG);

    private TelemetryAnnotations() {
    }

    /** {@code false} when the access log is off for this Ingress, else null (the default: on). */
    static Boolean accessLog(AnnotationReader r) {
        Boolean v = r.get(ACCESS_LOG);
        return Boolean.FALSE.equals(v) ? Boolean.FALSE : null;
    }
}
