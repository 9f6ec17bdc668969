package dev.breakwater.routing;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which peers' forwarded headers the data planes believe, and what they send on (ingress-nginx's
 * {@code use-forwarded-headers}, {@code enable-real-ip}, {@code forwarded-for-header},
 * {@code compute-full-forwarded-for} and {@code proxy-real-ip-cidr}). A request from a peer outside
 * {@code trustedPeers} is treated as from an untrusted client: every forwarded header is replaced.
 *
 * <p>From a trusted peer, the client's address (allowlists, rate limits, the access log, {@code X-Real-IP}) is read
 * from {@code clientHeader} as nginx's real-IP module does recursively: its addresses from the right, the first one
 * not in {@code trustedPeers}; the leftmost when all are.
 *
 * @param keepOthers   keep the {@code X-Forwarded-Proto}, {@code -Host} and {@code -Port} the peer sent
 *                     ({@code use-forwarded-headers}); else they are the data plane's own
 * @param clientHeader the header that gives the client's address ({@code X-Forwarded-For} by default)
 * @param appendForwardedFor send the incoming {@code X-Forwarded-For} with the peer's address appended
 *                     ({@code compute-full-forwarded-for}); else {@code X-Forwarded-For} is the client's address alone
 * @param trustedPeers ranges of the peers whose headers are read ({@code proxy-real-ip-cidr}; ingress-nginx's
 *                     default is {@code 0.0.0.0/0})
 */
public record ForwardedHeaders(boolean keepOthers, String clientHeader, boolean appendForwardedFor,
                               List<String> trustedPeers) {

    public ForwardedHeaders {
        Objects.requireNonNull(clientHeader, "clientHeader");
        if (!clientHeader.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
            throw new IllegalArgumentException("clientHeader: \"" + clientHeader + "\" (expected: a header name)");
        }
        clientHeader = clientHeader.toLowerCase(Locale.ROOT);
        trustedPeers = List.copyOf(trustedPeers);
        if (trustedPeers.isEmpty()) {
            throw new IllegalArgumentException("trustedPeers: empty (expected: at least one range)");
        }
        trustedPeers.forEach(Cidr::parse);
    }

    /** The ranges of {@link #trustedPeers()}, parsed. */
    @JsonIgnore
    public List<Cidr> ranges() {
        return trustedPeers.stream().map(Cidr::parse).toList();
    }
}
