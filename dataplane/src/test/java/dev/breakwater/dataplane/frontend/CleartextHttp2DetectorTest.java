package dev.breakwater.dataplane.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plain port of a real data plane over a real socket: a connection that opens with the HTTP/2 preface, even in
 * pieces, is answered in HTTP/2 (the server's SETTINGS frame); one that starts like it and then differs, or does not
 * start like it at all, is HTTP/1.1.
 */
class CleartextHttp2DetectorTest {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** An empty SETTINGS frame: length 0, type 4, flags 0, stream 0. */
    private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};

    private DataPlane proxy;

    @BeforeEach
    void start() throws Exception {
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(1)
                .build().start();
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void thePrefaceInPiecesGetsHttp2() throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxy.httpPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(PREFACE, 0, 5);
            out.flush();
            Thread.sleep(50); // a second read on the server: the detector waits for the rest
            out.write(PREFACE, 5, PREFACE.length - 5);
            out.write(EMPTY_SETTINGS);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] head = new byte[9];
            in.readFully(head);
            assertThat(head[3]).as("frame type of the server's first frame (4: SETTINGS)").isEqualTo((byte) 4);
            assertThat(head[5] | head[6] | head[7] | head[8]).as("stream 0").isZero();
        }
    }

    @Test
    void aRequestThatStartsLikeThePrefaceAndThenDiffersIsHttp1() throws Exception {
        assertThat(http1("PRI /x HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 ");
        assertThat(http1("GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 404");
    }

    private String http1(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxy.httpPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
