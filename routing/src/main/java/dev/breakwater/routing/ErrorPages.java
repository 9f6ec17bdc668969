package dev.breakwater.routing;

import java.util.List;
import java.util.Objects;

/**
 * Error pages from a backend of their own (ingress-nginx's {@code custom-http-errors} with {@code default-backend}):
 * a response of one of {@code codes} from the route's endpoints is not relayed; the request goes instead, without
 * its body and with path {@code /}, to {@code cluster}, with the headers ingress-nginx's custom-error backends read
 * ({@code X-Code}, {@code X-Format}, {@code X-Original-URI}, {@code X-Namespace}, {@code X-Ingress-Name},
 * {@code X-Service-Name}, {@code X-Service-Port}, {@code X-Request-ID}), and its answer is the client's. When the
 * route's own cluster has no endpoint that may serve, the request goes there too, with {@code X-Code: 503}.
 *
 * @param codes       statuses answered by the error backend (400 to 599; may be empty: only the 503 of a cluster
 *                    without endpoints)
 * @param cluster     the cluster of the error backend
 * @param namespace   {@code X-Namespace}: the namespace of the route's Service
 * @param ingress     {@code X-Ingress-Name}: the object the route came from
 * @param service     {@code X-Service-Name}: the route's Service
 * @param servicePort {@code X-Service-Port}: its port, as the object names it
 */
public record ErrorPages(List<Integer> codes, String cluster, String namespace, String ingress, String service,
                         String servicePort) {

    public ErrorPages {
        codes = codes == null ? List.of() : List.copyOf(codes);
        for (int code : codes) {
            if (code < 400 || code > 599) {
                throw new IllegalArgumentException("codes: " + code + " (expected: 400 to 599)");
            }
        }
        Objects.requireNonNull(cluster, "cluster");
        namespace = Objects.requireNonNullElse(namespace, "");
        ingress = Objects.requireNonNullElse(ingress, "");
        service = Objects.requireNonNullElse(service, "");
        servicePort = Objects.requireNonNullElse(servicePort, "");
    }
}
