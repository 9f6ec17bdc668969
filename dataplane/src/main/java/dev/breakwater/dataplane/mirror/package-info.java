/**
 * Request mirroring on the request path: the copy of a request sent, fire-and-forget, to a route's mirror cluster
 * ({@link dev.breakwater.dataplane.mirror.MirrorCopy}); its compiled setting and per-event-loop cap are
 * {@link dev.breakwater.dataplane.config.MirrorRoute}.
 */
package dev.breakwater.dataplane.mirror;
