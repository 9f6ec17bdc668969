package dev.breakwater.dataplane.filter;

import dev.breakwater.routing.RouteFilter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;

/** A header modifier of the table, names interned once per table: remove, then set, then add. */
final class HeaderModifier {

    private final AsciiString[] remove;
    private final AsciiString[] setNames;
    private final String[] setValues;
    private final AsciiString[] addNames;
    private final String[] addValues;

    HeaderModifier(List<RouteFilter.Header> set, List<RouteFilter.Header> add, List<String> remove) {
        this.remove = remove.stream().map(AsciiString::cached).toArray(AsciiString[]::new);
        this.setNames = set.stream().map(h -> AsciiString.cached(h.name())).toArray(AsciiString[]::new);
        this.setValues = set.stream().map(RouteFilter.Header::value).toArray(String[]::new);
        this.addNames = add.stream().map(h -> AsciiString.cached(h.name())).toArray(AsciiString[]::new);
        this.addValues = add.stream().map(RouteFilter.Header::value).toArray(String[]::new);
    }

    void apply(HttpHeaders headers) {
        for (AsciiString n : remove) {
            headers.remove(n);
        }
        for (int i = 0; i < setNames.length; i++) {
            headers.set(setNames[i], setValues[i]);
        }
        for (int i = 0; i < addNames.length; i++) {
            headers.add(addNames[i], addValues[i]);
        }
    }

    /**
     * For a request about to be modified: a client's {@code Connection} header lists headers to drop at this
     * hop, which the proxy does after this filter. So that a client cannot make it drop a header this filter
     * sets or adds, the client's own copy of such a header is dropped now and its name taken out of
     * {@code Connection}, as if the hop-by-hop headers had been removed before the filter ran.
     */
    void applyToRequest(HttpHeaders headers) {
        String connection = headers.get(HttpHeaderNames.CONNECTION);
        if (connection != null) {
            StringBuilder kept = new StringBuilder();
            boolean changed = false;
            for (String token : connection.split(",")) {
                String t = token.trim();
                if (named(t)) {
                    headers.remove(t);
                    changed = true;
                } else if (!t.isEmpty()) {
                    kept.append(kept.length() == 0 ? "" : ", ").append(t);
                }
            }
            if (changed && kept.length() == 0) {
                headers.remove(HttpHeaderNames.CONNECTION);
            } else if (changed) {
                headers.set(HttpHeaderNames.CONNECTION, kept.toString());
            }
        }
        apply(headers);
    }

    private boolean named(String token) {
        for (AsciiString n : setNames) {
            if (n.contentEqualsIgnoreCase(token)) {
                return true;
            }
        }
        for (AsciiString n : addNames) {
            if (n.contentEqualsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }
}
