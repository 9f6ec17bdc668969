/**
 * The routing table: the one contract between the operator, which compiles Kubernetes objects
 * into it, and the data plane, which serves it.
 *
 * <p>Everything here is an immutable value (records holding unmodifiable lists). A table is
 * identified by a monotonically increasing {@link dev.breakwater.routing.RoutingTable#version()}
 * assigned by whoever publishes it, and by a {@link dev.breakwater.routing.RoutingTable#hash()}
 * of its content, so that a recompilation that yields the same routes is recognised as a no-op.
 * This package knows neither Kubernetes nor Netty.
 */
package dev.breakwater.routing;
