package dev.breakwater.dataplane.auth;

import dev.breakwater.dataplane.backend.UpstreamConnection;
import dev.breakwater.dataplane.backend.UpstreamEndpoint;
import dev.breakwater.dataplane.backend.UpstreamPool;
import dev.breakwater.routing.ExternalAuth;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One request to an external authentication service, on a pooled (or new) connection of the client's event loop:
 * the request sent, the answer's head kept and its body dropped, the connection given back to the pool when the
 * answer is complete and the service keeps it alive. A pooled connection that the service had closed meanwhile is
 * replaced once by a new one. Runs on its event loop; ends exactly once, with the answer's head or null (no
 * connection, a broken one, the timeout).
 */
final class ExternalAuthCall implements UpstreamConnection.Owner {

    /** Where the call ends. */
    interface Listener {
        /** The service's final answer head, or null when it gave none; {@code reason} says why (for the log). */
        void answered(HttpResponse head, String reason);
    }

    private final UpstreamPool pool;
    private final UpstreamEndpoint endpoint;
    private final Supplier<FullHttpRequest> request;
    private final int connectTimeoutMillis;
    private final long timeoutMillis;
    private final Listener listener;
    private UpstreamConnection connection;
    private boolean reused;
    private boolean retried;
    private boolean ended;
    private HttpResponse head;
    /** How the service's connections are kept, or null: as the pool keeps every upstream connection. */
    private final ExternalAuth.Keepalive keepalive;
    private ScheduledFuture<?> timer;

    /**
     * @param request makes the request to send (again, when a pooled connection turns out to be closed)
     */
    ExternalAuthCall(UpstreamPool pool, UpstreamEndpoint endpoint,
                     Supplier<FullHttpRequest> request, int connectTimeoutMillis,
                     long timeoutMillis, ExternalAuth.Keepalive keepalive, Listener listener) {
        this.pool = pool;
        this.keepalive = keepalive;
        this.endpoint = endpoint;
        this.request = request;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.timeoutMillis = timeoutMillis;
        this.listener = listener;
    }

    void start() {
        EventLoop loop = pool.eventLoop();
        assert loop.inEventLoop();
        timer = loop.schedule(() -> end(null, "no answer within " + timeoutMillis + " ms"), timeoutMillis,
                TimeUnit.MILLISECONDS);
        UpstreamConnection idle = pool.poll(endpoint.key());
        if (idle != null) {
            send(idle, true);
        } else {
            connect();
        }
    }

    /** The client went away: the call ends without telling anyone, its connection closed. */
    void cancel() {
        if (!ended) {
            ended = true;
            timer.cancel(false);
            dropConnection();
        }
    }

    private void connect() {
        Future<UpstreamConnection> f = pool.connect(endpoint, connectTimeoutMillis);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                end(null, "could not connect: " + done.cause());
                return;
            }
            UpstreamConnection c = f.getNow();
            if (ended) {
                c.discard();
                return;
            }
            send(c, false);
        });
    }

    private void send(UpstreamConnection c, boolean pooled) {
        connection = c;
        reused = pooled;
        c.attach(this);
        if (keepalive != null) {
            c.keepLimits(keepalive.idleConnections(), keepalive.requests() == null ? -1 : keepalive.requests(),
                    keepalive.idleMillis() == null ? -1 : keepalive.idleMillis());
        }
        c.channel().writeAndFlush(request.get()).addListener(w -> {
            if (!w.isSuccess() && c == connection) {
                c.channel().close();
            }
        });
    }

    @Override
    public void upstreamRead(UpstreamConnection c, Object msg) {
        if (c != connection || ended) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (response.status().code() >= 200) {
                head = response;
            }
        }
        if (msg instanceof HttpContent content) {
            boolean last = content instanceof LastHttpContent;
            content.release();
            if (last && head != null) {
                HttpResponse answer = head;
                boolean keepAlive = HttpUtil.isKeepAlive(answer);
                connection = null;
                if (keepAlive) {
                    c.release();
                } else {
                    c.discard();
                }
                end(answer, null);
            }
        }
    }

    @Override
    public void upstreamReadComplete(UpstreamConnection c) {
    }

    @Override
    public void upstreamWritabilityChanged(UpstreamConnection c) {
    }

    @Override
    public void upstreamClosed(UpstreamConnection c) {
        if (c != connection || ended) {
            return;
        }
        connection = null;
        if (reused && head == null && !retried) {
            // the service closed the pooled connection while it idled: one more try, on a new connection
            retried = true;
            connect();
            return;
        }
        end(null, "the connection closed before the answer was complete");
    }

    private void end(HttpResponse answer, String reason) {
        if (ended) {
            return;
        }
        ended = true;
        timer.cancel(false);
        dropConnection();
        listener.answered(answer, reason);
    }

    private void dropConnection() {
        UpstreamConnection c = connection;
        connection = null;
        if (c != null) {
            c.discard();
        }
    }
}
