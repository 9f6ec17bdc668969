/**
 * Typed classes of the Gateway API kinds that the fabric8 model ({@code kubernetes-model-gatewayapi} 7.5.2) has in
 * older versions only: TLSRoute, TCPRoute and UDPRoute of {@code gateway.networking.k8s.io/v1}, the version the
 * standard channel of Gateway API v1.6 serves. Their spec and status are fabric8's {@code v1alpha2} classes, whose
 * fields the {@code v1} schemas keep; so these are read, watched and patched as typed resources, as HTTPRoute and
 * GRPCRoute are, and never as generic maps.
 */
package dev.breakwater.operator.gatewayapi;
