package dev.breakwater.dataplane.upstream;

import dev.breakwater.dataplane.backend.UpstreamConnection;
import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.dataplane.backend.UpstreamPool;
import io.netty.util.concurrent.Future;

/**
 * The try of a call in progress on one endpoint: its connection (an idle one of the event loop's pool, else a new
 * one), its place in the endpoint's count of requests in flight (taken once, given back once), and the request's
 * sender attached to that connection. A connect that completes after the try was given up is closed. Made once per
 * call and used for each of its tries in turn; runs on the client connection's event loop.
 */
final class Attempt {

    private final UpstreamCall call;
    private final UpstreamPool pool;
    private final RequestSender sender;
    private final int connectTimeoutMillis;
    private final AttemptTimes times;

    private UpstreamEndpoint endpoint;
    private UpstreamConnection connection;
    private boolean connecting;
    private boolean counted;
    private int generation;

    Attempt(UpstreamCall call, UpstreamPool pool, RequestSender sender, int connectTimeoutMillis, AttemptTimes times) {
        this.call = call;
        this.pool = pool;
        this.sender = sender;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.times = times;
    }

    /** The endpoint of the try in progress (or of the last one), null before the first. */
    UpstreamEndpoint endpoint() {
        return endpoint;
    }

    /** The connection the request is on, null while connecting or once detached. */
    UpstreamConnection connection() {
        return connection;
    }

    /** Sends the request to {@code target}: on a pooled connection when there is one, else a new one. */
    void begin(UpstreamEndpoint target, boolean flushNow) {
        endpoint = target;
        count();
        UpstreamConnection c = pool.poll(target.key());
        if (c != null) {
            attach(c, flushNow);
        } else {
            connect();
        }
    }

    /** False once a table took the endpoint of this try out of those that get new requests. */
    boolean endpointServes() {
        return pool.serves(endpoint.key());
    }

    /** Tries the same endpoint again on a new connection (a reused one failed before any answer). */
    void beginOnNewConnection() {
        count();
        connect();
    }

    private void count() {
        times.attemptStarted(System.nanoTime());
        endpoint.state().requestStarted();
        counted = true;
    }

    /** Ends the try: the endpoint's in-flight count goes down (once). */
    void end() {
        if (counted) {
            counted = false;
            endpoint.state().requestEnded();
        }
    }

    /** Gives up a connect in progress: its connection is closed when it comes. */
    void cancel() {
        generation++;
        connecting = false;
    }

    /** False while a connect is in progress or the endpoint takes no more of the request. */
    boolean mayRead() {
        return !connecting && (connection == null || connection.channel().isWritable());
    }

    /** The client can take more of the response, or cannot: the endpoint is read, or not. */
    void clientWritable(boolean writable) {
        UpstreamConnection c = connection;
        if (c != null && c.channel().config().isAutoRead() != writable) {
            c.channel().config().setAutoRead(writable);
        }
    }

    /** Drops the connection from the try (the caller closes or pools it); null when there was none. */
    UpstreamConnection detach() {
        UpstreamConnection c = connection;
        connection = null;
        sender.detach();
        return c;
    }

    private void connect() {
        connecting = true;
        times.connectStarted(System.nanoTime());
        call.readingChanged();
        int gen = ++generation;
        UpstreamEndpoint target = endpoint;
        Future<UpstreamConnection> f = pool.connect(target, connectTimeoutMillis);
        f.addListener(future -> onConnected(f, gen, target));
    }

    private void onConnected(Future<UpstreamConnection> future, int gen, UpstreamEndpoint target) {
        if (gen != generation) {
            if (future.isSuccess()) {
                future.getNow().release();
            }
            return;
        }
        connecting = false;
        if (!future.isSuccess()) {
            end();
            call.connectFailed(target, future.cause());
            return;
        }
        times.connected(System.nanoTime());
        attach(future.getNow(), true);
        call.readingChanged();
    }

    /**
     * Sends the request head and any body received so far on a connection. Flushed now when called from a connect
     * callback; otherwise the client's read-complete flushes it with the body parts read in the same burst.
     */
    private void attach(UpstreamConnection c, boolean flushNow) {
        connection = c;
        c.attach(call);
        sender.attach(c.channel(), c.reused(), flushNow);
        call.attached();
    }
}
