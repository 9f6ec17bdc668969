package dev.breakwater.operator.compile;

import dev.breakwater.channel.pki.PemKeys;
import dev.breakwater.routing.Certificate;
import dev.breakwater.routing.RoutingTable;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * Reads {@code kubernetes.io/tls} Secrets into certificates, checked with BouncyCastle the way a TLS client
 * would check them: the chain parses, the key (PKCS#1, PKCS#8 or SEC1; RSA or ECDSA; not encrypted) belongs
 * to the leaf, the leaf is valid now, and it covers each host it is meant to serve. Also reads CA bundles
 * ({@code ca.crt}) for client and backend verification.
 */
final class TlsSecrets {

    private final Map<String, Secret> secrets;
    private final Instant now;
    private final Map<String, Certificate> previous = new HashMap<>();
    private final SecretChecks checks;
    /** Per Secret name: its {@link SecretChecks.Checked} content, or the exception saying why it is unusable. */
    private final Map<String, Object> checkedByRef = new HashMap<>();
    private final CompileTrace trace;

    TlsSecrets(List<Secret> secrets, Instant now, RoutingTable previousTable) {
        this(secrets, now, previousTable, new SecretChecks());
    }

    TlsSecrets(List<Secret> secrets, Instant now, RoutingTable previousTable, SecretChecks checks) {
        this(secrets, now, previousTable, checks, new CompileTrace());
    }

    TlsSecrets(List<Secret> secrets, Instant now, RoutingTable previousTable, SecretChecks checks,
               CompileTrace trace) {
        this(SnapshotLookups.of(List.of(), List.of(), secrets).secrets(), now, previousTable, checks, trace);
    }

    /** Reading the Secrets of {@code secrets} (by {@code namespace/name}, read only). */
    TlsSecrets(Map<String, Secret> secrets, Instant now, RoutingTable previousTable, SecretChecks checks,
               CompileTrace trace) {
        this.checks = checks;
        this.trace = trace;
        this.secrets = secrets;
        this.now = now;
        if (previousTable != null) {
            previousTable.certificates().forEach(c -> previous.put(c.name(), c));
        }
    }

    /** A checked certificate and the hosts it may serve, or why there is none. */
    record Loaded(Certificate certificate, List<String> uncovered, String problem, boolean fromPrevious) {
    }

    /**
     * The certificate of Secret {@code ref} ("ns/name") for {@code hosts}. When the Secret is unusable and a
     * previous table held a good certificate of that name, that one is kept. The Secret's content is parsed and its
     * key proved once per content ({@link SecretChecks}), however many objects name it.
     */
    Loaded certificate(String ref, Collection<String> hosts) {
        trace.secret(ref);
        String problem;
        try {
            SecretChecks.Checked checked = checked(ref);
            checked.checkValidAt(now, ref);
            List<String> covered = new ArrayList<>();
            List<String> uncovered = new ArrayList<>();
            for (String h : hosts) {
                // "*": the names no other certificate serves, whatever this one covers (a listener without hostname)
                (h.equals("*") || covers(checked.dnsNames(), h) ? covered : uncovered).add(h);
            }
            covered.sort(null);
            return new Loaded(new Certificate(ref, covered, checked.chain(), checked.key()), uncovered, null, false);
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        Certificate old = previous.get(ref);
        if (old != null) {
            List<String> keep = hosts.stream().filter(old.hosts()::contains).sorted().toList();
            return new Loaded(new Certificate(ref, keep, old.certificateChain(), old.privateKey()), List.of(),
                    problem, true);
        }
        return new Loaded(null, List.of(), problem, false);
    }

    /** The checked content of Secret {@code ref}, read once per compilation; throws with the reason it is unusable. */
    private SecretChecks.Checked checked(String ref) {
        Object result = checkedByRef.computeIfAbsent(ref, r -> {
            try {
                return check(r);
            } catch (IllegalArgumentException e) {
                return e;
            }
        });
        if (result instanceof IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return (SecretChecks.Checked) result;
    }

    private SecretChecks.Checked check(String ref) {
        Secret s = secrets.get(ref);
        if (s == null) {
            throw new IllegalArgumentException("Secret " + ref + " does not exist");
        }
        if (!"kubernetes.io/tls".equals(s.getType())) {
            throw new IllegalArgumentException("Secret " + ref + " has type \"" + s.getType()
                    + "\" (expected: kubernetes.io/tls)");
        }
        String chain = field(s, "tls.crt", ref);
        String key = field(s, "tls.key", ref);
        return checks.check(ref, chain, key, TlsSecrets::prove);
    }

    /** Parses {@code chain} and {@code key} and proves that they belong together; throws with the reason if not. */
    private static SecretChecks.Checked prove(String ref, String chain, String key) {
        X509Certificate[] certs = certificates(chain, "Secret " + ref + ": tls.crt");
        PrivateKey privateKey = privateKey(key, ref);
        if (!isRsaOrEc(privateKey.getAlgorithm())) {
            throw new IllegalArgumentException("Secret " + ref + ": tls.key is a " + privateKey.getAlgorithm()
                    + " key (expected: RSA or ECDSA)");
        }
        if (!matches(privateKey, certs[0].getPublicKey())) {
            throw new IllegalArgumentException("Secret " + ref + ": tls.key does not belong to the certificate "
                    + "in tls.crt");
        }
        return new SecretChecks.Checked(chain, key, List.copyOf(dnsNames(certs[0], ref)),
                certs[0].getNotBefore().toInstant(), certs[0].getNotAfter().toInstant());
    }

    /** The PEM CA bundle ({@code ca.crt}) of Secret {@code ref}; throws with the reason when unusable. */
    String caBundle(String ref) {
        trace.secret(ref);
        Secret s = secrets.get(ref);
        if (s == null) {
            throw new IllegalArgumentException("Secret " + ref + " does not exist");
        }
        String pem = field(s, "ca.crt", ref);
        certificates(pem, "Secret " + ref + ": ca.crt");
        return pem;
    }

    /**
     * Every key of Secret {@code ref}, decoded as UTF-8 (a Secret of passwords); throws with the reason when it does
     * not exist or a key is not valid base64.
     */
    Map<String, String> data(String ref) {
        trace.secret(ref);
        Secret s = secrets.get(ref);
        if (s == null) {
            throw new IllegalArgumentException("Secret " + ref + " does not exist");
        }
        Map<String, String> out = new java.util.TreeMap<>();
        if (s.getData() != null) {
            for (String k : s.getData().keySet()) {
                out.put(k, field(s, k, ref));
            }
        }
        if (s.getStringData() != null) {
            out.putAll(s.getStringData());
        }
        return out;
    }

    private static String field(Secret s, String name, String ref) {
        if (s.getStringData() != null && s.getStringData().get(name) != null) {
            return s.getStringData().get(name);
        }
        String b64 = s.getData() == null ? null : s.getData().get(name);
        if (b64 == null || b64.isBlank()) {
            throw new IllegalArgumentException("Secret " + ref + " has no " + name);
        }
        try {
            return new String(Base64.getMimeDecoder().decode(b64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Secret " + ref + ": " + name + " is not valid base64");
        }
    }

    static X509Certificate[] certificates(String pem, String what) {
        return PemKeys.certificates(pem, what);
    }

    private static PrivateKey privateKey(String pem, String ref) {
        return PemKeys.privateKey(pem, "Secret " + ref + ": tls.key");
    }

    private static boolean isRsaOrEc(String algorithm) {
        return algorithm.equals("RSA") || algorithm.equals("EC") || algorithm.equals("ECDSA");
    }

    /**
     * True when the private key belongs to the public key: both of one type, and a signature made with the
     * private key verifies with the public one (this compares the key pair whatever the PEM form held, even a
     * PKCS#8 EC key written without its public point).
     */
    private static boolean matches(PrivateKey key, PublicKey pub) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            default -> null;
        };
        if (alg == null || !alg.endsWith(pub.getAlgorithm().equals("EC") ? "ECDSA" : pub.getAlgorithm())) {
            return false;
        }
        try {
            byte[] probe = "breakwater key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(probe);
            return v.verify(sig);
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * The DNS names of the SAN extension; the subject's CN only when the certificate has no SAN at all. The extension
     * is read with Bouncy Castle: the JDK refuses a whole SAN extension for one entry it cannot parse (a URI without
     * a scheme, say, as in the Gateway API conformance suite's certificates) and then reports no SAN at all.
     */
    private static List<String> dnsNames(X509Certificate cert, String ref) {
        List<String> names = new ArrayList<>();
        byte[] san = cert.getExtensionValue(Extension.subjectAlternativeName.getId());
        if (san != null) {
            GeneralName[] entries;
            try {
                entries = GeneralNames.getInstance(ASN1OctetString.getInstance(san).getOctets()).getNames();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Secret " + ref + ": the subjectAltName of the certificate in "
                        + "tls.crt cannot be parsed", e);
            }
            for (GeneralName entry : entries) {
                if (entry.getTagNo() == GeneralName.dNSName) {
                    names.add(((ASN1String) entry.getName()).getString().toLowerCase(Locale.ROOT));
                }
            }
            return names;
        }
        X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
        for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
            names.add(IETFUtils.valueToString(rdn.getFirst().getValue()).toLowerCase(Locale.ROOT));
        }
        return names;
    }

    /** A certificate name covers a host exactly, or as a wildcard over exactly its first label. */
    static boolean covers(List<String> names, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String n : names) {
            if (n.equals(h)) {
                return true;
            }
            if (n.startsWith("*.") && !h.startsWith("*.")) {
                int dot = h.indexOf('.');
                if (dot > 0 && h.substring(dot + 1).equals(n.substring(2))) {
                    return true;
                }
            }
        }
        return false;
    }
}
