package dev.breakwater.operator.annotation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * ingress-nginx's {@code ssl-ciphers}, an OpenSSL cipher string, read into the TLS 1.2 suites Breakwater serves, by
 * their standard (IANA) names. The string is evaluated as OpenSSL does, over the suites served: names and aliases
 * ({@code HIGH}, {@code ECDHE}, {@code AESGCM}, {@code aRSA} ...) joined by {@code +} add the suites they all match,
 * {@code -} removes them (a later item may add them again), {@code !} removes them for good, {@code +} in front moves
 * them to the end, {@code @STRENGTH} sorts by key length. A suite named that Breakwater does not serve (DHE, CBC with
 * SHA-2, 3DES, RC4 ...) is a warning naming it; so is an alias it does not know.
 *
 * <p>The suites served are those both of the data plane's TLS providers serve in TLS 1.2 (BoringSSL through
 * netty-tcnative, and the JDK's): ECDHE or RSA key exchange, ECDSA or RSA certificates, AES-GCM, ChaCha20-Poly1305,
 * and AES-CBC with SHA-1. TLS 1.3's suites are not set by the string, as in nginx.
 */
public final class CipherString {

    /** One TLS 1.2 suite served: its OpenSSL name, its standard name, and what OpenSSL's aliases match in it. */
    private record Suite(String openssl, String iana, String kx, String auth, String enc, int bits, String mac) {
        boolean has(String attribute) {
            return switch (attribute) {
                case "ALL", "DEFAULT", "HIGH" -> true;
                case "TLSv1.2" -> mac.equals("AEAD");
                case "SSLv3", "TLSv1" -> mac.equals("SHA1");
                case "kECDHE", "kEECDH", "ECDHE", "EECDH", "ECDH" -> kx.equals("ECDHE");
                case "kRSA", "RSA" -> kx.equals("RSA");
                case "aRSA" -> auth.equals("RSA");
                case "aECDSA", "ECDSA" -> auth.equals("ECDSA");
                case "AESGCM" -> enc.equals("AESGCM");
                case "AES" -> enc.equals("AESGCM") || enc.equals("AES");
                case "AES128" -> enc.startsWith("AES") && bits == 128;
                case "AES256" -> enc.startsWith("AES") && bits == 256;
                case "CHACHA20" -> enc.equals("CHACHA20");
                case "AEAD" -> mac.equals("AEAD");
                case "SHA1", "SHA" -> mac.equals("SHA1");
                case "SHA256" -> iana.endsWith("_SHA256");
                case "SHA384" -> iana.endsWith("_SHA384");
                case "FIPS" -> !enc.equals("CHACHA20");
                default -> false;
            };
        }
    }

    private static final List<Suite> SERVED = List.of(
            new Suite("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE", "ECDSA",
                    "AESGCM", 128, "AEAD"),
            new Suite("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE", "RSA",
                    "AESGCM", 128, "AEAD"),
            new Suite("ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE", "ECDSA",
                    "AESGCM", 256, "AEAD"),
            new Suite("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE", "RSA",
                    "AESGCM", 256, "AEAD"),
            new Suite("ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE",
                    "ECDSA", "CHACHA20", 256, "AEAD"),
            new Suite("ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE", "RSA",
                    "CHACHA20", 256, "AEAD"),
            new Suite("ECDHE-ECDSA-AES128-SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE", "ECDSA", "AES", 128,
                    "SHA1"),
            new Suite("ECDHE-RSA-AES128-SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE", "RSA", "AES", 128,
                    "SHA1"),
            new Suite("ECDHE-ECDSA-AES256-SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE", "ECDSA", "AES", 256,
                    "SHA1"),
            new Suite("ECDHE-RSA-AES256-SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE", "RSA", "AES", 256,
                    "SHA1"),
            new Suite("AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256", "RSA", "RSA", "AESGCM", 128, "AEAD"),
            new Suite("AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384", "RSA", "RSA", "AESGCM", 256, "AEAD"),
            new Suite("AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA", "RSA", "RSA", "AES", 128, "SHA1"),
            new Suite("AES256-SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", "RSA", "RSA", "AES", 256, "SHA1"));

    /** Aliases OpenSSL knows that match no suite served (so they are not warned as unknown). */
    private static final Set<String> MATCH_NONE = Set.of("MEDIUM", "LOW", "EXP", "EXPORT", "aNULL", "eNULL", "NULL",
            "COMPLEMENTOFALL", "COMPLEMENTOFDEFAULT", "kDHE", "kEDH", "DH", "DHE", "EDH", "ADH", "AECDH", "3DES", "DES",
            "RC4", "RC2", "MD5", "CAMELLIA", "CAMELLIA128", "CAMELLIA256", "PSK", "kPSK", "SRP", "kSRP", "DSS",
            "aDSS", "IDEA", "SEED", "ARIA", "ARIA128", "ARIA256", "aPSK", "kECDHEPSK", "kDHEPSK", "kRSAPSK",
            "ECDHEPSK", "DHEPSK", "RSAPSK", "GOST", "aGOST", "kGOST", "CCM", "CCM8", "AESCCM", "AESCCM8", "SUITEB128",
            "SUITEB128ONLY", "SUITEB192", "eGOST");

    private static final Set<String> ALIASES = Set.of("ALL", "DEFAULT", "HIGH", "TLSv1.2", "SSLv3", "TLSv1",
            "kECDHE", "kEECDH", "ECDHE", "EECDH", "ECDH", "kRSA", "RSA", "aRSA", "aECDSA", "ECDSA", "AESGCM", "AES",
            "AES128", "AES256", "CHACHA20", "AEAD", "SHA1", "SHA", "SHA256", "SHA384", "FIPS");

    private static final Set<String> TLS13 = Set.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256");

    /**
     * The suites of {@code value}, by standard name in order, or an empty list when none of them is served.
     *
     * @param warnings what is left out, each naming the cipher or alias
     */
    public static List<String> read(String value, List<String> warnings) {
        Set<Suite> chosen = new LinkedHashSet<>(); // the list, in order
        Set<Suite> killed = new LinkedHashSet<>();
        List<String> notServed = new ArrayList<>();
        for (String item : value.trim().split("[:,\\s]+")) {
            if (item.isEmpty()) {
                continue;
            }
            if (item.startsWith("@")) {
                if (item.equals("@STRENGTH")) {
                    List<Suite> sorted = new ArrayList<>(chosen);
                    sorted.sort(Comparator.comparingInt(Suite::bits).reversed());
                    chosen.clear();
                    chosen.addAll(sorted);
                } else if (!item.startsWith("@SECLEVEL=")) {
                    warnings.add("\"" + item + "\" is not an OpenSSL command Breakwater knows; left out");
                }
                continue; // @SECLEVEL: every suite served is above the levels' bar for TLS 1.2
            }
            char op = item.charAt(0);
            String term = op == '!' || op == '-' || op == '+' ? item.substring(1) : item;
            Predicate<Suite> match = matcher(term, notServed, warnings);
            if (match == null) {
                continue;
            }
            List<Suite> matched = SERVED.stream().filter(match).toList();
            switch (op) {
                case '!' -> {
                    killed.addAll(matched);
                    matched.forEach(chosen::remove);
                }
                case '-' -> matched.forEach(chosen::remove);
                case '+' -> matched.stream().filter(chosen::contains).toList().forEach(s -> {
                    chosen.remove(s);
                    chosen.add(s);
                });
                default -> matched.stream().filter(s -> !killed.contains(s)).forEach(chosen::add);
            }
        }
        if (!notServed.isEmpty()) {
            warnings.add((notServed.size() == 1 ? "cipher " : "ciphers ") + String.join(", ", notServed)
                    + (notServed.size() == 1 ? " is" : " are") + " not served by Breakwater and left out (TLS 1.2 "
                    + "suites served: ECDHE or RSA key exchange with AES-GCM, ChaCha20-Poly1305 or AES-CBC-SHA)");
        }
        return chosen.stream().map(Suite::iana).toList();
    }

    /** What {@code term} ({@code A} or {@code A+B}) matches, or null when it is a name left out (noted). */
    private static Predicate<Suite> matcher(String term, List<String> notServed, List<String> warnings) {
        Predicate<Suite> all = s -> true;
        for (String part : term.split("\\+")) {
            Suite named = SERVED.stream().filter(s -> s.openssl().equals(part) || s.iana().equals(part))
                    .findFirst().orElse(null);
            if (named != null) {
                all = all.and(s -> s == named);
            } else if (ALIASES.contains(part)) {
                all = all.and(s -> s.has(part));
            } else if (MATCH_NONE.contains(part)) {
                return s -> false;
            } else if (TLS13.contains(part)) {
                warnings.add("\"" + part + "\" is a TLS 1.3 suite, not set by ssl-ciphers (as in nginx): TLS 1.3 "
                        + "offers its three suites; left out");
                return null;
            } else if (part.matches("[A-Z0-9]+(-[A-Z0-9]+)+|TLS_[A-Z0-9_]+|SSL_[A-Z0-9_]+")) {
                notServed.add(part);
                return null;
            } else {
                warnings.add("\"" + part + "\" is not a cipher or OpenSSL alias Breakwater knows; left out");
                return null;
            }
        }
        return all;
    }

    /** The OpenSSL names of the suites served, in Breakwater's order of preference. */
    static List<String> served() {
        return SERVED.stream().map(Suite::openssl).toList();
    }

    private CipherString() {
    }
}
