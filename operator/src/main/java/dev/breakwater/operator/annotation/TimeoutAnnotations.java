package dev.breakwater.operator.annotation;

import static dev.breakwater.operator.annotation.AnnotationKey.named;

import java.util.List;

/** Timeouts to the endpoints and the request body limit. */
final class TimeoutAnnotations {

    static final AnnotationKey<Long> CONNECT = named("connect-timeout", "proxy-connect-timeout", Parsers.DURATION)
            .doc("duration; default 5 s", "TCP connect to an endpoint", "");
    static final AnnotationKey<Long> RESPONSE = named("response-timeout", "proxy-read-timeout", Parsers.DURATION)
            .doc("duration; default 60 s", "silence from an endpoint: before the response head (once the request is "
                    + "sent) and between two reads of its body", "");
    static final AnnotationKey<Long> SEND = named("send-timeout", "proxy-send-timeout", Parsers.DURATION).doc(
            "duration; default: the route's read timeout", "while the request body is sent, longest wait for the "
                    + "endpoint to take the next part of it (between two writes, not for the whole body); beyond: "
                    + "`504` if no response started, else the connection is closed", "ingress-nginx's default is 60 s "
                    + "whatever the read timeout; Breakwater's is the read timeout (60 s unless set), as before this "
                    + "setting existed");
    static final AnnotationKey<Long> MAX_BODY = named("max-body-size", "proxy-body-size", Parsers.SIZE).doc(
            "`8k`, `10m`, `1g`, `0` for no limit; default 64 MiB", "`413` beyond", "ingress-nginx's default is `1m`");

    static final List<AnnotationKey<?>> KEYS = List.of(CONNECT, RESPONSE, SEND, MAX_BODY);

    /** Milliseconds and bytes, each null when not set. */
    record Timeouts(Long connectMillis, Long responseMillis, Long sendMillis, Long maxBodyBytes) {
    }

    private TimeoutAnnotations() {
    }

    static Timeouts read(AnnotationReader r) {
        return new Timeouts(r.get(CONNECT), r.get(RESPONSE), r.get(SEND), r.get(MAX_BODY));
    }
}
