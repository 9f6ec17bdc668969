package dev.breakwater.routing;

import java.util.List;
import java.util.Objects;

/**
 * A server certificate and its key, from a {@code kubernetes.io/tls} Secret.
 *
 * @param name             {@code namespace/secret}
 * @param hosts            the SNI names it serves: exact names and {@code *.} wildcards, lower case; {@code *}: every
 *                         name no other certificate serves, instead of the data plane's default certificate
 * @param certificateChain PEM, leaf first
 * @param privateKey       PEM (PKCS#1, PKCS#8 or SEC1 EC)
 */
public record Certificate(String name, List<String> hosts, String certificateChain, String privateKey) {

    public static final String REDACTED = "REDACTED";

    public Certificate {
        Objects.requireNonNull(name, "name");
        hosts = List.copyOf(hosts);
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    /** The same certificate with its private key replaced by {@value #REDACTED}. */
    public Certificate redacted() {
        return new Certificate(name, hosts, certificateChain, REDACTED);
    }
}
