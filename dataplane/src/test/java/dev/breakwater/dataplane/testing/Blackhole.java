package dev.breakwater.dataplane.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A port on 127.0.0.1 whose connects hang, as to a pod whose network is gone: a listener that never accepts, its
 * accept queue filled, so that Linux drops the SYNs of further connects (they are retried until the client gives up).
 */
public final class Blackhole implements AutoCloseable {

    private final ServerSocket listener;
    private final List<Socket> fillers = new ArrayList<>();

    private Blackhole(ServerSocket listener) {
        this.listener = listener;
    }

    /** A port that takes no more connections; fails if the queue could not be seen to be full. */
    public static Blackhole open() throws IOException {
        Blackhole hole = new Blackhole(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), hole.port());
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(at, 300);
                hole.fillers.add(s);
            } catch (SocketTimeoutException full) {
                s.close();
                return hole;
            }
        }
        hole.close();
        throw new IllegalStateException("16 connects to a listener with a backlog of 1 all completed");
    }

    public int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() {
        for (Socket s : fillers) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
