package dev.breakwater.dataplane.frontend;

/**
 * Fired on every client connection when the data plane stops: an idle HTTP/1.1 connection closes at once, a
 * busy one closes after its response (which carries {@code Connection: close}); an HTTP/2 connection sends
 * GOAWAY and closes once its open streams are done.
 */
public final class DrainEvent {

    public static final DrainEvent INSTANCE = new DrainEvent();

    private DrainEvent() {
    }
}
