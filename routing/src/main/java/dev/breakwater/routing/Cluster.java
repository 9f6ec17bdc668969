package dev.breakwater.routing;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * A set of endpoints serving one Service port.
 *
 * @param name      unique within the table, e.g. {@code default/web:http}
 * @param protocol  what the endpoints speak
 * @param endpoints every known endpoint, ready or not; the data plane picks by their conditions
 * @param tls       how to verify endpoints spoken to over TLS ({@link Protocol#HTTPS}, {@link Protocol#H2});
 *                  null means TLS without verification, as ingress-nginx does by default
 * @param policy    balancing, health and draining ({@link ClusterPolicy#DEFAULTS} when null)
 * @param hash      SHA-256 (hex) of the cluster's encoding, computed once when the cluster is made (null: compute
 *                  it); not encoded: a reader computes it from what it decodes ({@link TableCodec#partHash})
 */
public record Cluster(String name, Protocol protocol, List<Endpoint> endpoints, UpstreamTls tls,
                      ClusterPolicy policy, @JsonIgnore String hash) {

    /** The protocol spoken to the endpoints. */
    public enum Protocol {
        /** HTTP/1.1 in clear text. */
        HTTP1,
        /** HTTP/2 in clear text with prior knowledge (gRPC). */
        H2C,
        /** HTTP/1.1 over TLS. */
        HTTPS,
        /** HTTP/2 over TLS (gRPC over TLS). */
        H2;

        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean tls() {
            return this == HTTPS || this == H2;
        }

        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean http2() {
            return this == H2C || this == H2;
        }
    }

    public Cluster {
        Objects.requireNonNull(name, "name");
        protocol = protocol == null ? Protocol.HTTP1 : protocol;
        endpoints = List.copyOf(endpoints);
        policy = policy == null ? ClusterPolicy.DEFAULTS : policy;
        if (hash == null) {
            hash = TableCodec.partHash(new Cluster(name, protocol, endpoints, tls, policy, ""));
        }
    }

    public Cluster(String name, Protocol protocol, List<Endpoint> endpoints, UpstreamTls tls, ClusterPolicy policy) {
        this(name, protocol, endpoints, tls, policy, null);
    }

    public Cluster(String name, Protocol protocol, List<Endpoint> endpoints) {
        this(name, protocol, endpoints, null, null, null);
    }

    public Cluster(String name, Protocol protocol, List<Endpoint> endpoints, UpstreamTls tls) {
        this(name, protocol, endpoints, tls, null, null);
    }

    /**
     * Verification of endpoints' certificates.
     *
     * @param caCertificates  PEM bundle of trusted CAs; null (and no {@code wellKnown}) trusts any certificate
     *                        (encryption only)
     * @param serverName      SNI and, without {@code subjectAltNames}, the name the certificate must carry; null: the
     *                        endpoint address
     * @param wellKnown       {@link #SYSTEM}: the CAs the data plane's JVM trusts, used when {@code caCertificates}
     *                        is null; null: none
     * @param subjectAltNames when not empty, the certificate must carry one of these, each written {@code DNS:name}
     *                        (a {@code *.} wildcard in the certificate covers one label) or {@code URI:uri}; the
     *                        server name is then sent as SNI only (a Gateway API BackendTLSPolicy's
     *                        {@code subjectAltNames})
     */
    public record UpstreamTls(String caCertificates, String serverName, String wellKnown,
                              @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> subjectAltNames) {

        /** {@code wellKnown}: the JVM's default trust store. */
        public static final String SYSTEM = "System";

        public UpstreamTls {
            subjectAltNames = subjectAltNames == null ? List.of() : List.copyOf(subjectAltNames);
        }

        public UpstreamTls(String caCertificates, String serverName) {
            this(caCertificates, serverName, null, List.of());
        }

        /** Whether the endpoints' certificates are verified at all. */
        @JsonIgnore
        public boolean verifies() {
            return caCertificates != null || SYSTEM.equals(wellKnown);
        }
    }
}
