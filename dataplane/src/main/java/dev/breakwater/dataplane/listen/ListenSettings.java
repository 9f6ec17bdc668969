package dev.breakwater.dataplane.listen;

/**
 * How the data plane's HTTP and HTTPS listening sockets take connections.
 *
 * @param backlog          the accept queue of each HTTP/HTTPS listener, in connections (1 to 65535; the kernel caps it
 *                         at {@code net.core.somaxconn})
 * @param acceptsPerWakeup how many waiting connections a listener accepts each time its event loop turns to it
 *                         (1 to 1024), for every listener, L4 ones too. Netty's default is one: on a loop that is busy
 *                         with established connections, a burst of new ones then waits in the kernel queue one loop
 *                         turn per connection, and their first requests count that wait as latency. HAProxy's
 *                         {@code tune.maxaccept} is 64 by default; so is this.
 */
public record ListenSettings(int backlog, int acceptsPerWakeup) {

    /** Backlog 4096, 64 accepts per wakeup. */
    public static final ListenSettings DEFAULTS = new ListenSettings(4096, 64);

    /** The largest {@link #acceptsPerWakeup}. */
    public static final int MAX_ACCEPTS_PER_WAKEUP = 1024;

    public ListenSettings {
        if (backlog < 1 || backlog > 65535) {
            throw new IllegalArgumentException("backlog: " + backlog + " (expected: 1 to 65535)");
        }
        if (acceptsPerWakeup < 1 || acceptsPerWakeup > MAX_ACCEPTS_PER_WAKEUP) {
            throw new IllegalArgumentException("acceptsPerWakeup: " + acceptsPerWakeup + " (expected: 1 to "
                    + MAX_ACCEPTS_PER_WAKEUP + ")");
        }
    }

    public ListenSettings withBacklog(int value) {
        return new ListenSettings(value, acceptsPerWakeup);
    }

    public ListenSettings withAcceptsPerWakeup(int value) {
        return new ListenSettings(backlog, value);
    }
}
