package dev.breakwater.dataplane.request;

/**
 * A request the edge will not route or forward, with the status to answer and the reason to give the client. Made
 * only for bad input, so it carries no stack trace.
 */
public final class RequestRefused extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    public RequestRefused(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    /** 400, 405 or 431. */
    public int status() {
        return status;
    }

    /** Why, in words for the client (and the debug log). */
    public String reason() {
        return getMessage();
    }
}
