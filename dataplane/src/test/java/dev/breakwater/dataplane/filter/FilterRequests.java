package dev.breakwater.dataplane.filter;

import dev.breakwater.dataplane.settings.ProxyConfig;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

/** Request heads for the filters' own tests: a plain object, as the exchange hands them over, no socket. */
final class FilterRequests {

    static final ProxyConfig CONFIG = ProxyConfig.defaults().withPublicHttpsPort(8443);

    private FilterRequests() {
    }

    /** A request to {@code host}; {@code headers} alternate name and value. */
    static FilterContext request(String scheme, String method, String host, String path, String query, String clientIp,
                                 String... headers) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method),
                query == null ? path : path + "?" + query);
        if (host != null) {
            req.headers().set("host", host);
        }
        for (int i = 0; i < headers.length; i += 2) {
            req.headers().add(headers[i], headers[i + 1]);
        }
        return new FilterContext(req, scheme, host, path, query, clientIp, CONFIG);
    }

    static FilterContext get(String path, String clientIp, String... headers) {
        return request("http", "GET", "a.test", path, null, clientIp, headers);
    }
}
