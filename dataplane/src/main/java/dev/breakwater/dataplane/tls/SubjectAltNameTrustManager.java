package dev.breakwater.dataplane.tls;

import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Verifies an endpoint's chain against trusted CAs, then requires its leaf certificate to carry one of the wanted
 * subjectAltNames ({@code DNS:name} or {@code URI:uri}) instead of the name sent as SNI: a Gateway API
 * BackendTLSPolicy with {@code subjectAltNames}. A DNS entry of the certificate may be a wildcard {@code *.rest},
 * which covers exactly one label (RFC 6125); names compare case-insensitively, URIs exactly.
 */
final class SubjectAltNameTrustManager extends X509ExtendedTrustManager {

    private static final int DNS = 2;
    private static final int URI = 6;

    private final X509TrustManager chains;
    private final List<String> wanted;

    private SubjectAltNameTrustManager(X509TrustManager chains, List<String> wanted) {
        this.chains = chains;
        this.wanted = List.copyOf(wanted);
    }

    /** Chains verified against {@code trusted} (null: the JVM's default trust store), then the names checked. */
    static SubjectAltNameTrustManager of(X509Certificate[] trusted, List<String> wanted) {
        return new SubjectAltNameTrustManager(pkix(trusted), wanted);
    }

    /** A trust manager of the JVM's PKIX validation over {@code trusted} (null: its default trust store). */
    static X509TrustManager pkix(X509Certificate[] trusted) {
        try {
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (trusted == null) {
                f.init((KeyStore) null);
            } else {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                for (int i = 0; i < trusted.length; i++) {
                    store.setCertificateEntry("ca-" + i, trusted[i]);
                }
                f.init(store);
            }
            for (TrustManager m : f.getTrustManagers()) {
                if (m instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("no X509TrustManager in " + f.getAlgorithm());
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("trust store: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        chains.checkServerTrusted(chain, authType);
        checkNames(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    private void checkNames(X509Certificate[] chain) throws CertificateException {
        Collection<List<?>> names;
        try {
            names = chain[0].getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new CertificateException("the endpoint's subjectAltName cannot be read: " + e.getMessage(), e);
        }
        if (names != null) {
            for (List<?> entry : names) {
                if (entry.size() < 2 || !(entry.get(0) instanceof Integer type) || !(entry.get(1) instanceof String v)) {
                    continue;
                }
                for (String w : wanted) {
                    if (type == DNS && w.startsWith("DNS:") && dnsMatches(v, w.substring(4))) {
                        return;
                    }
                    if (type == URI && w.startsWith("URI:") && v.equals(w.substring(4))) {
                        return;
                    }
                }
            }
        }
        throw new CertificateException("the endpoint's certificate carries none of the subjectAltNames " + wanted);
    }

    /** Whether certificate entry {@code pattern} ({@code *.rest} covers one label) covers {@code name}. */
    static boolean dnsMatches(String pattern, String name) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String n = name.toLowerCase(Locale.ROOT);
        if (p.startsWith("*.")) {
            int dot = n.indexOf('.');
            return dot > 0 && n.substring(dot).equals(p.substring(1));
        }
        return p.equals(n);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("not a server's trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("not a server's trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("not a server's trust manager");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return chains.getAcceptedIssuers();
    }
}
