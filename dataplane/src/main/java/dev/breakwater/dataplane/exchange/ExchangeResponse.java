package dev.breakwater.dataplane.exchange;

import dev.breakwater.dataplane.backend.UpstreamConnection;
import dev.breakwater.dataplane.compress.ResponseCompressor;
import dev.breakwater.dataplane.filter.ForwardedHeaders;
import dev.breakwater.dataplane.upstream.CallListener;
import dev.breakwater.dataplane.upstream.UpstreamHeads;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * The response side of one exchange, and the listener of its upstream call: the endpoint's response relayed (the head
 * made the client's: hop-by-hop headers stripped, framing for the client's protocol, keep-alive, the affinity cookie,
 * the route's response filters; the body compressed and stored in the cache as it streams; a revalidation's 304 turned
 * into the stored response; a 5xx replaced by a stale entry where allowed), or an answer made here (the cache's, an
 * error naming the request id), and the end of the exchange once the response is out.
 */
final class ExchangeResponse implements CallListener {

    private final Exchange exchange;
    private ResponseCompressor.BodyEncoder encoder;
    /** The rest of a 304 that refreshed a stored response is being dropped. */
    private boolean swallowBody;
    /** Response body bytes written to the client (for the access log). */
    long bytesSent;

    ExchangeResponse(Exchange exchange) {
        this.exchange = exchange;
    }

    /** A final response head from the endpoint (a whole response when it is a {@link FullHttpResponse}). */
    private void relayHead(HttpResponse head) {
        Exchange x = exchange;
        if (x.cache != null && x.cache.revalidating() && head.status().code() == 304) {
            HttpHeaders h = head.headers();
            UpstreamHeads.forClient(h, true);
            x.cache.revalidated(h);
            x.call.succeeded();
            swallowBody = true;
            boolean last = head instanceof LastHttpContent;
            ReferenceCountUtil.release(head);
            if (last) {
                finishRevalidation();
            }
            return;
        }
        writeHead(head);
        if (head instanceof FullHttpResponse) {
            responseComplete();
        }
    }

    /** A part of the response body. */
    private void relayContent(HttpContent part) {
        if (exchange.errorPage != null && exchange.errorPage.swallow(part)) {
            return;
        }
        if (swallowBody) {
            boolean last = part instanceof LastHttpContent;
            part.release();
            if (last) {
                finishRevalidation();
            }
            return;
        }
        if (part instanceof LastHttpContent) {
            writeBody(part, true);
            responseComplete();
        } else {
            writeBody(part, false);
            if (!exchange.downstream().isWritable()) {
                exchange.call.clientWritable(false);
            }
        }
    }

    private void finishRevalidation() {
        swallowBody = false;
        exchange.call.responseComplete();
        serveCached();
    }

    private void writeHead(HttpResponse resp) {
        Exchange x = exchange;
        x.responseStarted = true;
        int status = resp.status().code();
        x.status = status;
        HttpHeaders headers = resp.headers();
        UpstreamHeads.forClient(headers, x.call.http2Endpoint());
        HttpRequest request = x.request;
        boolean head = request.method().equals(HttpMethod.HEAD);
        ResponseCompressor compressor = x.route.compressor();
        if (compressor != null) {
            encoder = compressor.start(status, headers, request.headers().get(HttpHeaderNames.ACCEPT_ENCODING), head);
        }
        if (x.cache != null) {
            x.cache.onResponseHead(status, headers);
        }
        boolean http2 = x.connection().http2();
        if (!http2 && !x.http10 && !HttpUtil.isContentLengthSet(resp) && !HttpUtil.isTransferEncodingChunked(resp)
                && status != 204 && status != 304 && !head) {
            // a body of unknown length (from HTTP/2, or close-delimited): frame it for the client
            HttpUtil.setTransferEncodingChunked(resp, true);
        }
        if (x.http10 && HttpUtil.isTransferEncodingChunked(resp)) {
            // an HTTP/1.0 client cannot read chunks: send the body as it comes and close to end it
            HttpUtil.setTransferEncodingChunked(resp, false);
            x.keepAlive = false;
        }
        if (!x.requestDone) {
            // the endpoint answers before the request body is complete: finish this exchange and close
            x.keepAlive = false;
        }
        if (x.keepAlive && x.services().draining().getAsBoolean()) {
            x.keepAlive = false;
        }
        if (!x.keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (x.http10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        String affinityCookie = x.call.affinityCookie();
        if (affinityCookie != null) {
            headers.add(HttpHeaderNames.SET_COOKIE, affinityCookie);
        }
        if (x.auth != null) {
            x.auth.addCookies(headers, resp.status().code());
        }
        x.route.filters().onResponse(x.context, headers); // HSTS, CORS headers, response header modifier
        resp.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (resp instanceof FullHttpResponse full && (encoder != null || x.cache != null && x.cache.filling())) {
            // a whole response whose body is compressed or stored: its head, then its body as the last part
            x.downstream().write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, full.status(), full.headers()));
            writeBody(new DefaultLastHttpContent(full.content(), full.trailingHeaders()), true);
        } else {
            if (resp instanceof FullHttpResponse full) {
                bytesSent += full.content().readableBytes();
            }
            x.downstream().write(resp);
        }
    }

    /**
     * Writes a part of the response body to the client: through the compressor when the response is being
     * compressed, and into the cache entry being filled (what the client gets is what is stored).
     */
    private void writeBody(HttpContent content, boolean last) {
        if (encoder != null) {
            content = encoder.encode(content);
            if (last) {
                encoder = null;
            } else if (content == null) {
                return;
            }
        }
        if (exchange.cache != null) {
            exchange.cache.onBody(content.content());
        }
        bytesSent += content.content().readableBytes();
        exchange.downstream().write(content);
    }

    /** The response is abandoned: nothing is stored, and a compressor in progress is closed. */
    void drop() {
        if (exchange.cache != null) {
            exchange.cache.endFill();
        }
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
    }


    /** Answers the request with what the cache gave. */
    void serveCached() {
        Exchange x = exchange;
        if (x.auth == null && !x.http10 && x.downstream().takesEncodedResponses()
                && !x.route.filters().changesResponses() && x.cache.answersAsStored()) {
            // nothing changes the stored head: it goes as encoded when it was stored, with its age added
            x.status = x.cache.answerStatus();
            answering();
            ByteBuf bytes = x.cache.answerEncoded(x.downstream().alloc(), !x.keepAlive);
            send(new EncodedResponse(bytes), x.cache.answerBodyLength());
            return;
        }
        FullHttpResponse resp = x.cache.answer();
        if (x.auth != null) {
            x.auth.addCookies(resp.headers(), resp.status().code());
        }
        x.route.filters().onResponse(x.context, resp.headers());
        x.status = resp.status().code();
        answering();
        sendWhole(resp);
    }

    /** A 5xx, or no answer: the stale entry is served instead where its stale-if-error window allows. */
    private boolean serveStaleOnError() {
        Exchange x = exchange;
        if (x.cache == null || !x.cache.staleOnError()) {
            return false;
        }
        x.abortCall();
        serveCached();
        return true;
    }

    // ---------------------------------------------------------------- CallListener

    /**
     * Sends the client an interim response of the endpoint's (RFC 9110 15.2: 102, 103 and the like) as it came,
     * without its hop-by-hop fields, before the final one; never stored, and none of its fields go into the final
     * response. Not for an HTTP/1.0 client (RFC 9110 forbids it), nor 100 (the proxy answers Expect itself) or 101.
     */
    @Override
    public void onInterim(HttpResponse interim) {
        Exchange x = exchange;
        int code = interim.status().code();
        if (x.http10 || code == 100 || code == 101 || x.responseStarted) {
            return;
        }
        HttpHeaders h = new io.netty.handler.codec.http.DefaultHttpHeaders().add(interim.headers());
        UpstreamHeads.forClient(h, x.call.http2Endpoint());
        h.remove(HttpHeaderNames.CONTENT_LENGTH);
        x.downstream().write(new io.netty.handler.codec.http.DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                interim.status(), io.netty.buffer.Unpooled.EMPTY_BUFFER, h,
                io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE));
        x.downstream().flush();
    }

    @Override
    public void onResponse(HttpResponse head) {
        Exchange x = exchange;
        if (head.status().code() >= 500 && x.cache != null && x.cache.staleOnError()) {
            ReferenceCountUtil.release(head);
            x.abortCall();
            serveCached();
            return;
        }
        if (x.errorPage != null && x.errorPage.intercept(head)) {
            return;
        }
        relayHead(head);
    }

    @Override
    public void onResponseContent(HttpContent part) {
        relayContent(part);
    }

    @Override
    public void onUpgraded(UpstreamConnection upstream, HttpResponse switching) {
        Exchange x = exchange;
        x.responseStarted = true;
        x.status = 101;
        x.route.meters().record(101, System.nanoTime() - x.startNanos);
        x.downstream().upgrade(x, upstream, switching, x.route.limits().webSocketIdleMillis());
    }

    @Override
    public void onFailed(HttpResponseStatus st, String message) {
        respondLocally(st, message, null);
    }

    @Override
    public void onBroken() {
        if (exchange.errorPage != null && exchange.errorPage.interceptedBroken()) {
            return;
        }
        drop();
        exchange.downstream().close();
    }

    @Override
    public void onAttemptLost() {
        drop();
    }

    @Override
    public void onReadingChanged() {
        exchange.downstream().readingChanged();
    }

    @Override
    public void onReadComplete() {
        exchange.downstream().flush();
    }

    /**
     * Answers the request without a backend, with a small text body naming the request id (none when
     * {@code message} is null), plus {@code extra} headers.
     */
    void respondLocally(HttpResponseStatus st, String message, HttpHeaders extra) {
        if (st.code() >= 500 && serveStaleOnError()) {
            return;
        }
        Exchange x = exchange;
        x.status = st.code();
        answering();
        ByteBuf body = Unpooled.EMPTY_BUFFER;
        if (message != null) {
            body = x.downstream().alloc().buffer(64 + message.length());
            body.writeCharSequence(st.code() + " " + st.reasonPhrase() + ": " + message + "\nrequest-id: "
                    + x.requestId + "\n", StandardCharsets.UTF_8);
        }
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, st, body);
        if (message != null) {
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        }
        if (message != null || st.code() != 204 && st.code() != 304) {
            resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        }
        resp.headers().set(ForwardedHeaders.X_REQUEST_ID, x.requestId);
        if (extra != null) {
            resp.headers().add(extra);
        }
        sendWhole(resp);
    }

    /** A whole answer made here is about to go: the call stops, and a body still on its way is not read. */
    private void answering() {
        Exchange x = exchange;
        x.responseStarted = true;
        if (x.call != null) {
            x.call.abort();
        }
        if (!x.requestDone) {
            x.discardBody = true;
            if (!x.retryable) {
                // a body of unknown or large size is on its way: do not read it, close instead
                x.keepAlive = false;
            }
        }
    }

    /** Sends a whole response made here (not relayed), ending the exchange. */
    private void sendWhole(FullHttpResponse resp) {
        Exchange x = exchange;
        if (!x.keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (x.http10) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        send(resp, resp.content().readableBytes());
    }

    /** Sends a whole response ({@code bodyBytes} of body), ending the exchange. */
    private void send(Object resp, int bodyBytes) {
        Exchange x = exchange;
        drop();
        x.responseDone = true;
        if (x.route != null) {
            x.route.meters().record(x.status, System.nanoTime() - x.startNanos);
        }
        bytesSent += bodyBytes;
        x.downstream().writeLast(resp, !x.keepAlive);
        x.finishIfDone();
    }

    /** The relayed response is complete. */
    void responseComplete() {
        Exchange x = exchange;
        x.responseDone = true;
        if (x.cache != null) {
            x.cache.onResponseComplete();
        }
        x.call.responseComplete();
        x.route.meters().record(x.status, System.nanoTime() - x.startNanos);
        long answering = x.call.times().lastStartNanos();
        if (answering != 0) {
            x.services().metrics().addedLatency(answering - x.startNanos);
        }
        if (x.keepAlive) {
            x.downstream().flush();
        } else {
            x.downstream().writeLast(Unpooled.EMPTY_BUFFER, true);
            if (!x.requestDone) {
                x.discardBody = true;
            }
        }
        x.finishIfDone();
    }
}
