package dev.breakwater.dataplane.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** A client breaking HTTP/2 gets GOAWAY; the proxy counts it by error code and logs no warning or stack trace. */
class Http2ConnectionErrorTest {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aProtocolViolationIsCountedAndNotLoggedAsAWarning() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0)
                .workers(1).build().start()) {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            for (int i = 0; i < 3; i++) {
                // a SETTINGS frame of 5 bytes (a multiple of 6 is required): FRAME_SIZE_ERROR, a connection error
                byte[] badSettings = {0, 0, 5, 0x4, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5};
                byte[] answer = sendRaw(proxy.httpsPort(), badSettings);
                assertThat(containsGoAway(answer)).as("GOAWAY sent").isTrue();
            }
            System.setErr(err);
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxy.adminPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("breakwater_http2_connection_errors_total{code=\"frame_size_error\"} 3.0");
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("WARN").doesNotContain("Exception");
    }

    private static byte[] sendRaw(int port, byte[] frames) throws Exception {
        SSLContext ctx = TestPki.trustAll();
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2"});
            s.setSSLParameters(p);
            s.setSoTimeout(5000);
            s.startHandshake();
            assertThat(s.getApplicationProtocol()).isEqualTo("h2");
            OutputStream out = s.getOutputStream();
            out.write(PREFACE);
            out.write(frames);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            try {
                while ((n = in.read(buf)) > 0) {
                    got.write(buf, 0, n);
                }
            } catch (java.io.IOException closed) {
                // reset after GOAWAY
            }
            return got.toByteArray();
        }
    }

    /** Walks the frames the server sent and looks for a GOAWAY (type 7). */
    private static boolean containsGoAway(byte[] b) {
        int i = 0;
        while (i + 9 <= b.length) {
            int length = (b[i] & 0xff) << 16 | (b[i + 1] & 0xff) << 8 | b[i + 2] & 0xff;
            if (b[i + 3] == 0x7) {
                return true;
            }
            i += 9 + length;
        }
        return false;
    }
}
