package dev.breakwater.operator.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What kube-proxy does for the push channel's selector-less Service, on 127.0.0.1: every connection the data
 * plane opens is forwarded to the address the Service's EndpointSlice names at that moment (the leader writes
 * it, {@code --channel-service}), so data planes reach the leader and nothing else, and find the new one after a
 * failover by reconnecting. A connection whose target does not answer is closed, as a connection to a Service
 * without a live endpoint would be.
 */
final class ChannelServiceProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final Supplier<InetSocketAddress> target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;

    /** @param target the Service's endpoint now, or null when it has none */
    ChannelServiceProxy(Supplier<InetSocketAddress> target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "channel-service-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections forwarded so far. */
    int connections() {
        return connections.get();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            Thread t = new Thread(() -> forward(client), "channel-service-proxy-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void forward(Socket client) {
        open.add(client);
        InetSocketAddress to;
        try {
            to = target.get();
        } catch (RuntimeException e) {
            to = null;
        }
        if (to == null) {
            closeQuietly(client);
            return;
        }
        Socket upstream = new Socket();
        open.add(upstream);
        try {
            upstream.connect(to, 5000);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        connections.incrementAndGet();
        Thread back = new Thread(() -> pump(upstream, client), "channel-service-proxy-back");
        back.setDaemon(true);
        back.start();
        pump(client, upstream);
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side went away: both are closed below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (Socket s : open) {
            closeQuietly(s);
        }
    }
}
