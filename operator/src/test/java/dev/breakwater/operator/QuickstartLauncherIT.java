package dev.breakwater.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.testing.TestBackend;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start as a user runs it: the {@code ./breakwater} launcher on the packaged jar serves
 * {@code examples/quickstart}, and curl gets the backends' answers through it.
 */
class QuickstartLauncherIT {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theLauncherServesTheQuickstartToCurl() throws Exception {
        int http = freePort();
        int admin = freePort();
        int https = freePort();
        Path log = Files.createTempFile("breakwater-launcher", ".log");
        List<TestBackend> backends = List.of(TestBackend.start("backend-1", 9001),
                TestBackend.start("backend-2", 9002), TestBackend.start("api", 9003));
        ProcessBuilder pb = new ProcessBuilder(REPO.resolve("breakwater").toString(), "local",
                REPO.resolve("examples/quickstart").toString(), "--http-port", Integer.toString(http),
                "--https-port", Integer.toString(https),
                "--admin-port", Integer.toString(admin))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("BREAKWATER_NO_BUILD", "1");
        Process breakwater = pb.start();
        try {
            awaitReady(admin, breakwater, log);

            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(curl("-s", "-D", "-", "-H", "Host: hello.localhost", "http://127.0.0.1:" + http + "/"));
            }
            String api = curl("-s", "-H", "Host: hello.localhost", "http://127.0.0.1:" + http + "/api/v1");
            String missing = curl("-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: nobody.localhost",
                    "http://127.0.0.1:" + http + "/");

            assertThat(answers).allSatisfy(a -> assertThat(a).startsWith("HTTP/1.1 200"));
            assertThat(answers).anySatisfy(a -> assertThat(a).contains("backend=backend-1"));
            assertThat(answers).anySatisfy(a -> assertThat(a).contains("backend=backend-2"));
            assertThat(api).contains("backend=api").contains("uri=/api/v1");
            assertThat(missing).isEqualTo("404");
        } finally {
            breakwater.destroy(); // SIGTERM, to the JVM itself: the launcher execs java
            boolean exited = breakwater.waitFor(20, TimeUnit.SECONDS);
            if (!exited) {
                breakwater.destroyForcibly();
            }
            backends.forEach(TestBackend::close);
            assertThat(exited).as("the JVM stops on SIGTERM").isTrue();
            assertThat(breakwater.exitValue()).as("exit code after SIGTERM").isZero();
        }
    }

    private static void awaitReady(int admin, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("breakwater exited: " + Files.readString(log));
            }
            if ("200".equals(curl("-s", "-o", "/dev/null", "-w", "%{http_code}",
                    "http://127.0.0.1:" + admin + "/readyz"))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not ready in 60 s: " + Files.readString(log));
    }

    private static String curl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("curl", "--max-time", "10"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor();
        return new String(out, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
