package dev.breakwater.dataplane.l4;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.concurrent.Future;

/**
 * Reads the SNI name of a TLS ClientHello without terminating TLS, then lets {@link Decision} change the pipeline:
 * replace this handler with a splice to the chosen endpoint, or remove it so that the HTTPS stack sees the same
 * bytes. The ClientHello's bytes stay buffered here and flow on to whatever follows once it leaves the pipeline. A
 * connection that sends no ClientHello within the timeout is closed; one that is not TLS is decided with no name.
 */
final class SniPeek extends AbstractSniHandler<Object> {

    /** What to do with a connection once its ClientHello is read. */
    interface Decision {
        /**
         * Must replace or remove {@code ctx}'s handler.
         *
         * @param serverName the SNI name, or null when the client sent none (or no TLS at all)
         */
        void decide(ChannelHandlerContext ctx, String serverName) throws Exception;
    }

    private final Decision decision;

    /**
     * @param maxClientHelloLength the largest ClientHello read, in bytes
     * @param timeoutMillis        the longest wait for the ClientHello
     */
    SniPeek(int maxClientHelloLength, long timeoutMillis, Decision decision) {
        super(maxClientHelloLength, timeoutMillis);
        this.decision = decision;
    }

    @Override
    protected Future<Object> lookup(ChannelHandlerContext ctx, String hostname) {
        return ctx.executor().newSucceededFuture(null);
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<Object> future)
            throws Exception {
        decision.decide(ctx, hostname);
    }
}
