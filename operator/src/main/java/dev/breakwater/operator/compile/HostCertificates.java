package dev.breakwater.operator.compile;

import dev.breakwater.operator.diagnostic.Diagnostic;
import dev.breakwater.routing.Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The server certificates of a table while it is compiled, from Ingress {@code spec.tls} and Route {@code spec.tls}
 * alike: one certificate per Secret, serving every host that names it; a host keeps the Secret of the oldest
 * object that names one for it, even while that Secret is unusable (a newer object, maybe of another namespace,
 * cannot take a host over by breaking or waiting out its owner).
 */
final class HostCertificates {

    private final TlsSecrets secrets;
    /** Per Secret: the certificate first served from it, and every host that gets it (one set, grown in place). */
    private final Map<String, Served> bySecret = new TreeMap<>();
    private final Map<String, String> secretOfHost = new HashMap<>();
    private final Map<String, String> ownerOfHost = new HashMap<>();

    private final CompileTrace trace;

    HostCertificates(TlsSecrets secrets, CompileTrace trace) {
        this.secrets = secrets;
        this.trace = trace;
    }

    /**
     * Serves the certificate of Secret {@code ref} ("ns/name") to {@code hosts} for {@code object}. Problems with
     * the Secret are reported at {@code secretField}, hosts it cannot have at {@code hostsField}.
     */
    void use(String object, String ref, Collection<String> hosts, String secretField, String hostsField,
             List<Diagnostic> diagnostics) {
        trace.hosts(hosts);
        List<String> wanted = new ArrayList<>();
        for (String h : hosts) {
            String owner = secretOfHost.get(h);
            if (owner != null && !owner.equals(ref)) {
                diagnostics.add(Diagnostic.warning(object, hostsField, "host " + h + " already has the certificate "
                        + "of Secret " + owner + " (from " + ownerOfHost.get(h) + ", which is older); Secret " + ref
                        + " is not used for it"));
            } else {
                wanted.add(h);
            }
        }
        for (String h : wanted) {
            if (secretOfHost.putIfAbsent(h, ref) == null) {
                ownerOfHost.put(h, object);
            }
        }
        TlsSecrets.Loaded loaded = secrets.certificate(ref, wanted);
        if (loaded.problem() != null) {
            diagnostics.add(Diagnostic.error(object, secretField, loaded.problem()
                    + (loaded.fromPrevious() ? "; its previous certificate keeps serving"
                    : "; " + wanted + " get the default certificate")));
        }
        for (String h : loaded.uncovered()) {
            diagnostics.add(Diagnostic.warning(object, hostsField, "the certificate of Secret " + ref
                    + " does not cover " + h + "; that host gets the default certificate"));
        }
        Certificate cert = loaded.certificate();
        if (cert != null) {
            bySecret.computeIfAbsent(ref, r -> new Served(cert, new TreeSet<>())).hosts().addAll(cert.hosts());
        }
    }

    /** The certificates that serve at least one host, by Secret name. */
    List<Certificate> certificates() {
        List<Certificate> out = new ArrayList<>();
        for (Served s : bySecret.values()) {
            if (!s.hosts().isEmpty()) {
                Certificate c = s.first();
                out.add(new Certificate(c.name(), List.copyOf(s.hosts()), c.certificateChain(), c.privateKey()));
            }
        }
        return out;
    }

    private record Served(Certificate first, TreeSet<String> hosts) {
    }
}
