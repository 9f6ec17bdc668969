package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.compile.L4Sources;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/l4} in local mode: ingress-nginx's TCP services ConfigMap as is, its endpoint moved to a real echo
 * server on a free port and its listener to another free port, served with {@code --tcp-services-configmap}; and
 * {@code route-listeners.yaml}, the same Service as a Route's typed TCP listener, served without any flag.
 */
class L4ExampleTest {

    @TempDir
    Path dir;

    @Test
    void theTcpServicesConfigMapOpensAListenerToItsService() throws Exception {
        Path example = Path.of(System.getProperty("user.dir")).getParent().resolve("examples/l4/tcp-services.yaml");
        int listener;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener = probe.getLocalPort();
        }
        List<String> reported = new ArrayList<>();
        try (ServerSocket echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = echo.accept(); InputStream in = s.getInputStream(); OutputStream out =
                        s.getOutputStream()) {
                    in.transferTo(out);
                } catch (java.io.IOException ignored) {
                    // the test ended
                }
            });
            t.setDaemon(true);
            t.start();
            Files.writeString(dir.resolve("l4.yaml"), Files.readString(example)
                    .replace("port: 15432", "port: " + echo.getLocalPort())
                    .replace("\"5432\": \"db/postgres:5432\"", "\"" + listener + "\": \"db/postgres:5432\""));
            DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1)
                    .build().start();
            CompilerOptions options = CompilerOptions.local()
                    .withL4Sources(new L4Sources("ingress-nginx/tcp-services", null));
            try (LocalMode local = new LocalMode(dir, proxy::apply, options, reported::add)) {
                assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
                assertThat(reported).isEmpty();
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), listener)) {
                    s.setSoTimeout(5000);
                    s.getOutputStream().write("select 1".getBytes(StandardCharsets.US_ASCII));
                    assertThat(new String(s.getInputStream().readNBytes(8), StandardCharsets.US_ASCII))
                            .isEqualTo("select 1");
                }
            } finally {
                proxy.close();
            }
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    @Test
    void aRoutesTcpListenerIsServedInLocalModeWithoutAnyFlag() throws Exception {
        Path examples = Path.of(System.getProperty("user.dir")).getParent().resolve("examples/l4");
        int configMapPort = freePort();
        int routePort = freePort();
        List<String> reported = new ArrayList<>();
        try (ServerSocket echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (true) {
                    try (Socket s = echo.accept(); InputStream in = s.getInputStream(); OutputStream out =
                            s.getOutputStream()) {
                        in.transferTo(out);
                    } catch (java.io.IOException ignored) {
                        return; // the test ended
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            Files.writeString(dir.resolve("l4.yaml"), Files.readString(examples.resolve("tcp-services.yaml"))
                    .replace("port: 15432", "port: " + echo.getLocalPort())
                    .replace("\"5432\": \"db/postgres:5432\"", "\"" + configMapPort + "\": \"db/postgres:5432\""));
            String route = Files.readString(examples.resolve("route-listeners.yaml"));
            assertThat(route).contains("port: 6432");
            Files.writeString(dir.resolve("route.yaml"), route.replace("port: 6432", "port: " + routePort));
            DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(1)
                    .build().start();
            try (LocalMode local = new LocalMode(dir, proxy::apply, CompilerOptions.local(), reported::add)) {
                assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
                assertThat(reported).isEmpty();
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), routePort)) {
                    s.setSoTimeout(5000);
                    s.getOutputStream().write("select 2".getBytes(StandardCharsets.US_ASCII));
                    assertThat(new String(s.getInputStream().readNBytes(8), StandardCharsets.US_ASCII))
                            .isEqualTo("select 2");
                }
                // the ConfigMap is in DIR, but no flag names it: its port stays closed
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(),
                        configMapPort).close()).isInstanceOf(java.net.ConnectException.class);
            } finally {
                proxy.close();
            }
        }
    }
}
