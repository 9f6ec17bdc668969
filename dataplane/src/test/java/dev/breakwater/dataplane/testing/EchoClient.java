package dev.breakwater.dataplane.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A blocking TCP client of {@link EchoServer} through a proxy: knows which endpoint answered. */
public final class EchoClient implements AutoCloseable {

    private final Socket socket;
    private final String endpoint;

    public EchoClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
        String greeting = readUntil("hi");
        endpoint = greeting.substring(0, greeting.indexOf(':'));
    }

    /** The name of the echo server reached. */
    public String endpoint() {
        return endpoint;
    }

    /** Sends {@code text} and reads it back. */
    public String echo(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        byte[] back = socket.getInputStream().readNBytes(text.length());
        return new String(back, StandardCharsets.US_ASCII);
    }

    /** True when the proxy closed the connection: a read sees the end of the stream (or a reset). */
    public boolean closedByPeer() {
        try {
            return socket.getInputStream().read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    public Socket socket() {
        return socket;
    }

    private String readUntil(String suffix) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith(suffix)) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed after " + sb);
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
