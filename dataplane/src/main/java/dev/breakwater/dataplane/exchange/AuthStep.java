package dev.breakwater.dataplane.exchange;

import dev.breakwater.dataplane.auth.AuthVerdict;
import dev.breakwater.dataplane.auth.Authenticator;
import dev.breakwater.dataplane.filter.LocalAnswer;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayDeque;
import java.util.List;

/**
 * An exchange's wait for its route's authentication: the check in progress, the parts of the request body read
 * meanwhile (the client is not read while it waits, so these are at most one read burst), and the
 * {@code Set-Cookie} of an external service for the response. Runs on the exchange's event loop.
 */
final class AuthStep {

    private Authenticator.Pending pending;
    private boolean waiting;
    private ArrayDeque<HttpContent> held;
    private List<String> cookies = List.of();
    private boolean cookiesAlways;

    /** Starts the check of {@code x}'s request; its verdict comes once, maybe at once. */
    void start(Authenticator authenticator, Exchange x, String originalTarget) {
        waiting = true;
        cookiesAlways = authenticator.alwaysSetCookie();
        pending = authenticator.authenticate(x.context, originalTarget, x.connection().pool(), v -> {
            waiting = false;
            if (v.allowed()) {
                cookies = v.cookies();
            }
            decided(x, v, originalTarget);
        });
    }

    /** The verdict: the request is answered, or goes on with the headers it gave and the body held. */
    private void decided(Exchange x, AuthVerdict verdict, String originalTarget) {
        if (x.closed || x.ended) {
            releaseHeld();
            return;
        }
        if (!verdict.allowed()) {
            releaseHeld();
            LocalAnswer denial = verdict.denial();
            x.response.respondLocally(denial.status(), denial.message(), denial.headers());
        } else {
            Authenticator.apply(verdict, x.request.headers());
            x.proceed(originalTarget);
            if (x.call != null) {
                sendHeld(x);
                x.flushUpstream();
            } else {
                releaseHeld();
            }
        }
        x.downstream().readingChanged();
    }

    /** True while no verdict came: the client is not read and its body is held. */
    boolean waiting() {
        return waiting;
    }

    /** Keeps a part of the body until the verdict. */
    void hold(HttpContent part) {
        if (held == null) {
            held = new ArrayDeque<>(2);
        }
        held.add(part);
    }

    /** Sends the parts held to the call now started. */
    private void sendHeld(Exchange x) {
        if (held == null) {
            return;
        }
        HttpContent part;
        while ((part = held.poll()) != null) {
            if (x.mirror != null) {
                x.mirror.body(part);
            }
            x.call.sendBody(part);
        }
    }

    /** Releases what is held (the request was answered without an endpoint, or is over). */
    void releaseHeld() {
        if (held == null) {
            return;
        }
        HttpContent part;
        while ((part = held.poll()) != null) {
            part.release();
        }
    }

    /** The client went away: the check is dropped. */
    void cancel() {
        waiting = false;
        if (pending != null) {
            pending.cancel();
        }
        releaseHeld();
    }

    /** Adds the service's {@code Set-Cookie} to a response of {@code status} (below 400, or any when always). */
    void addCookies(HttpHeaders response, int status) {
        if (!cookies.isEmpty() && (cookiesAlways || status < 400)) {
            response.add(HttpHeaderNames.SET_COOKIE, cookies);
        }
    }
}
