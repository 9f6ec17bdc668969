/**
 * The {@code Route} custom resource ({@code breakwater.dev/v1alpha1}), modelled on Gateway API's HTTPRoute.
 *
 * <p>These classes are the wire shape of the resource and nothing more: Jackson reads manifests into them and
 * the fabric8 CRD generator derives the CRD's schema from them at build time ({@code crds/}), so their field
 * names, descriptions and validation annotations <em>are</em> the public API. They are plain mutable holders
 * with public fields, as a JSON object is; the compiler ({@code dev.breakwater.operator.compile.RouteProcessor})
 * reads them once into the routing table's immutable records and never keeps them.
 *
 * <p>Validation lives in the schema (sizes, ranges, patterns, enums, CEL rules where a schema cannot say it),
 * so that the API server refuses a bad Route at {@code kubectl apply}. Local mode has no API server: there the
 * compiler reports what it cannot use as diagnostics, naming the field.
 */
package dev.breakwater.operator.crd;
