package dev.breakwater.dataplane.filter;

import dev.breakwater.routing.Cidr;
import java.util.List;

/** A route's client allowlist, parsed once per table. */
final class SourceAllowlist {

    private final Cidr[] ranges;

    SourceAllowlist(dev.breakwater.routing.SourceAllowlist allowlist) {
        List<Cidr> parsed = allowlist.ranges();
        this.ranges = parsed.toArray(Cidr[]::new);
    }

    /** True when the client address (an IP literal) is in one of the ranges; false for anything else. */
    boolean allows(String clientAddress) {
        byte[] address = Cidr.parseAddress(clientAddress);
        if (address == null) {
            return false;
        }
        for (Cidr c : ranges) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
