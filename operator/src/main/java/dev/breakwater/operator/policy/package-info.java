/**
 * The policy model, read once: the readers that turn raw values into the routing table's typed policies (retries,
 * load balancing and affinity, health checks and outlier detection, rate limits, cache and compression, timeouts,
 * HSTS, source allowlists and CORS), with the defaults Breakwater fills in for what is not given. Ingress
 * annotations ({@code annotation}) and Route fields ({@code compile}) both call them, each after reading its own
 * syntax: a reader takes values, not YAML, and reports each problem as a reason without the field's name, which the
 * caller adds (an annotation, {@code metadata.annotations['...']}, or a field path, {@code spec.rules[0].retries}),
 * with what follows (the default applies, the setting is left out, the route fails closed).
 */
package dev.breakwater.operator.policy;
