package dev.breakwater.dataplane.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A real UDP server on 127.0.0.1 (a blocking socket and a thread): answers each datagram with {@code NAME:} and the
 * datagram, or, with a {@link Responder}, with whatever it makes of the datagram (null: no answer).
 */
public final class UdpEchoServer implements AutoCloseable {

    /** Makes the answer to one datagram. */
    public interface Responder {
        byte[] answer(byte[] datagram);
    }

    private final DatagramSocket socket;
    private final Responder responder;

    private UdpEchoServer(Responder responder) throws IOException {
        this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        this.responder = responder;
        Thread t = new Thread(this::loop, "udp-server");
        t.setDaemon(true);
        t.start();
    }

    public static UdpEchoServer echo(String name) throws IOException {
        byte[] prefix = (name + ":").getBytes(StandardCharsets.US_ASCII);
        return new UdpEchoServer(d -> {
            byte[] out = Arrays.copyOf(prefix, prefix.length + d.length);
            System.arraycopy(d, 0, out, prefix.length, d.length);
            return out;
        });
    }

    public static UdpEchoServer with(Responder responder) throws IOException {
        return new UdpEchoServer(responder);
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void loop() {
        byte[] buf = new byte[65535];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                byte[] answer = responder.answer(Arrays.copyOfRange(p.getData(), p.getOffset(),
                        p.getOffset() + p.getLength()));
                if (answer != null) {
                    socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
