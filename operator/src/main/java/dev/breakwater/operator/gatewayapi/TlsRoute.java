package dev.breakwater.operator.gatewayapi;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.gatewayapi.v1alpha2.TLSRouteSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1alpha2.TLSRouteStatus;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** A TLSRoute of {@code gateway.networking.k8s.io/v1}; its spec and status as fabric8 models them. */
@Group(TlsRoute.GROUP)
@Version("v1")
@Kind("TLSRoute")
@Plural("tlsroutes")
public class TlsRoute extends CustomResource<TLSRouteSpec, TLSRouteStatus> implements Namespaced {

    public static final String GROUP = "gateway.networking.k8s.io";
    /** The {@code apiVersion} of its manifests. */
    public static final String API_VERSION = GROUP + "/v1";
}
