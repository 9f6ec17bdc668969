package dev.breakwater.operator.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A Breakwater Route: host names, rules that match requests and send them to weighted Service backends, and
 * per-rule policies (timeouts, retries, balancing, health, cache, compression, draining).
 */
@Group(Route.GROUP)
@Version(Route.VERSION)
@Kind(Route.KIND)
@Plural("routes")
@Singular("route")
@AdditionalPrinterColumn(name = "Hostnames", jsonPath = ".spec.hostnames", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Accepted", jsonPath = ".status.conditions[?(@.type==\"Accepted\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Programmed", jsonPath = ".status.conditions[?(@.type==\"Programmed\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class Route extends CustomResource<RouteSpec, RouteStatus> implements Namespaced {

    public static final String GROUP = "breakwater.dev";
    public static final String VERSION = "v1alpha1";
    public static final String KIND = "Route";
    /** The {@code apiVersion} of a Route manifest. */
    public static final String API_VERSION = GROUP + "/" + VERSION;
}
