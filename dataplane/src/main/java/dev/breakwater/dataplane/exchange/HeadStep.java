package dev.breakwater.dataplane.exchange;

import dev.breakwater.dataplane.config.CompiledRoute;
import dev.breakwater.dataplane.config.Router;
import dev.breakwater.dataplane.filter.FilterContext;
import dev.breakwater.dataplane.filter.ForwardedHeaders;
import dev.breakwater.dataplane.filter.LocalAnswer;
import dev.breakwater.dataplane.request.RequestHeadCheck;
import dev.breakwater.dataplane.request.RequestIds;
import dev.breakwater.dataplane.request.RequestRefused;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * An exchange's request head, once: answered at once when the codec could not read it or the head check refuses
 * it, refused when the table blocks its User-Agent or Referer, routed, then through its route's checks (filters, client certificates, body limit, requests in progress per
 * client), and on to authentication or to {@link Exchange#proceed}. Holds no state of its own (the exchange does);
 * runs on the exchange's event loop.
 */
final class HeadStep {

    private HeadStep() {
    }

    /** Checks and routes the head {@code req} of {@code x}. */
    static void start(Exchange x, HttpRequest req) {
        ProxyServices services = x.services();
        ClientConnection connection = x.connection();
        x.request = req;
        x.http10 = req.protocolVersion().minorVersion() == 0;
        HttpHeaders headers = req.headers();
        x.requestId = RequestIds.keepOrCreate(headers.get(ForwardedHeaders.X_REQUEST_ID));
        if (req.decoderResult().isFailure()) {
            x.requestDone = true;
            x.keepAlive = false;
            Throwable cause = req.decoderResult().cause();
            if (cause instanceof TooLongHttpLineException) {
                x.response.respondLocally(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long", null);
            } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
                x.response.respondLocally(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                        "request headers too large", null);
            } else {
                x.response.respondLocally(HttpResponseStatus.BAD_REQUEST, "malformed request", null);
            }
            return;
        }
        RequestHeadCheck.Checked checked;
        try {
            checked = services.headCheck().check(req, connection.http2());
        } catch (RequestRefused refused) {
            Exchange.LOG.debug("refused {} {} from {}: {}", req.method(), req.uri(), connection.clientIp(),
                    refused.reason());
            services.metrics().refused(refused.status());
            x.keepAlive = false;
            x.response.respondLocally(HttpResponseStatus.valueOf(refused.status()), refused.reason(), null);
            return;
        }
        x.keepAlive = checked.keepAlive() && !x.lastOnConnection && !services.draining().getAsBoolean();
        x.upgradeRequested = checked.webSocketUpgrade();
        x.retryable = !HttpUtil.isTransferEncodingChunked(req) && HttpUtil.getContentLength(req, -1L) <= 0;
        x.host = checked.host();
        String target = req.uri();
        String path = checked.target().path();
        String query = checked.target().query();

        Router router = services.table().router();
        FilterContext blockChecked = null;
        if (router != null && router.requestBlocks() != null) {
            // block-user-agents, block-referers: before routing, as nginx's return 403 in every server
            blockChecked = new FilterContext(req, connection.scheme(), x.host, path, query, connection.clientIp(),
                    connection.localPort(), x.requestId, connection.tls(), services.config(), router.forwardedTrust());
            LocalAnswer blocked = router.requestBlocks().onRequest(blockChecked);
            if (blocked != null) {
                services.metrics().denied(blocked.deniedBy());
                x.response.respondLocally(blocked.status(), blocked.message(), blocked.headers());
                return;
            }
        }
        CompiledRoute r = router == null ? null : router.route(listenerPort(connection, router), x.host, path, query,
                req.method().name(), headers);
        if (r == null) {
            services.metrics().unrouted();
            x.response.respondLocally(HttpResponseStatus.NOT_FOUND, "no route for this host and path", null);
            return;
        }
        x.route = r;
        if (r.errorPages() != null) {
            x.errorPage = new ErrorPageStep(x, r.errorPages());
        }
        x.context = blockChecked != null ? blockChecked : new FilterContext(req, connection.scheme(), x.host, path,
                query, connection.clientIp(), connection.localPort(), x.requestId, connection.tls(), services.config(),
                router.forwardedTrust());
        x.trace = ExchangeTrace.begin(x);
        // the route's filters (allowlist, CORS preflight, redirects, rate limit, header and URL rewrites, fixed
        // response, redirect to HTTPS), then its host's client certificates and its body limit
        LocalAnswer answer = r.filters().onRequest(x.context);
        if (answer == null && r.clientCertificates() != null) {
            answer = r.clientCertificates().onRequest(x.context);
        }
        if (answer == null) {
            answer = r.bodyLimit().onRequest(x.context);
        }
        if (answer != null) {
            if (answer.deniedBy() != null) {
                services.metrics().denied(answer.deniedBy());
            }
            x.response.respondLocally(answer.status(), answer.message(), answer.headers());
            return;
        }
        if (r.concurrency() != null) {
            String client = x.context.clientAddress();
            if (!r.concurrency().acquire(client)) {
                services.metrics().denied("concurrency");
                x.response.respondLocally(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many requests of this client "
                        + "in progress (limit-connections)", null);
                return;
            }
            x.concurrencyHeld = r.concurrency();
            x.concurrencyKey = client;
        }
        if (r.authenticator() != null) {
            // Basic authentication, then the external service: the request goes on once they let it through
            x.auth = new AuthStep();
            x.auth.start(r.authenticator(), x, target);
            return;
        }
        x.proceed(target);
    }

    /** The port the client connected to, when the table has listener ports of its own (else -1: not looked at). */
    private static int listenerPort(ClientConnection connection, Router router) {
        if (router.listenerPorts().isEmpty() || connection.localPort() == null || connection.localPort().isEmpty()) {
            return -1;
        }
        return Integer.parseInt(connection.localPort());
    }
}
