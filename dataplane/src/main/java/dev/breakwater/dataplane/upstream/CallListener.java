package dev.breakwater.dataplane.upstream;

import dev.breakwater.dataplane.backend.UpstreamConnection;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/** Whom an {@link UpstreamCall} answers to: the exchange of its request. */
public interface CallListener {

    /** A final response head (a {@link FullHttpResponse} when it came whole); the listener owns it. */
    void onResponse(HttpResponse head);

    /**
     * An interim response head (1xx other than a 101 it asked for) before the final one; the call releases it
     * after this returns.
     */
    void onInterim(HttpResponse interim);

    /** A part of the response body, the last one ending it; the listener owns it. */
    void onResponseContent(HttpContent part);

    /** The endpoint accepted an upgrade (101): the connection is the tunnel's from now on. */
    void onUpgraded(UpstreamConnection connection, HttpResponse switching);

    /** The call failed before any response came: answer with {@code status} and {@code message}. */
    void onFailed(HttpResponseStatus status, String message);

    /** The call broke once the response had begun: the client connection must close. */
    void onBroken();

    /** An attempt was lost (reset, closed): what was being made of its response is dropped. */
    void onAttemptLost();

    /** Whether the client connection may be read changed (a connect began or ended, upstream writability). */
    void onReadingChanged();

    /** The endpoint's read burst ended: flush the client. */
    void onReadComplete();
}
