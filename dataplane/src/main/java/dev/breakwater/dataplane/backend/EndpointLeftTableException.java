package dev.breakwater.dataplane.backend;

import java.net.ConnectException;

/**
 * A connect given up because its endpoint left the table (or stopped getting new requests) before it completed: an
 * endpoint whose pod is gone may never answer the SYN, and nothing was sent, so the request goes to another at once.
 * Not the endpoint's failure: its health is not marked down for it.
 */
public final class EndpointLeftTableException extends ConnectException {

    public EndpointLeftTableException(String endpointKey) {
        super(endpointKey + " left the table while it was being connected to");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // a routine event in a rollout: where it was made says nothing
    }
}
