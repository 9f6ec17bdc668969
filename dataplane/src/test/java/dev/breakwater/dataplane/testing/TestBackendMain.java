package dev.breakwater.dataplane.testing;

import java.io.IOException;

/**
 * A {@link TestBackend} in a process of its own, for tests that kill backends for real:
 * {@code java -cp ... dev.breakwater.dataplane.testing.TestBackendMain NAME PORT} (port 0: any free one).
 * Prints the port it listens on as the first line of its standard output, then serves until it is killed,
 * or until its standard input closes (the parent went away), so that no backend outlives its test run.
 */
public final class TestBackendMain {

    private TestBackendMain() {
    }

    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "backend";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        TestBackend backend = TestBackend.start(name, port);
        System.out.println(backend.port());
        System.out.flush();
        try {
            while (System.in.read() >= 0) {
                // nothing is sent on stdin; EOF means the parent is gone
            }
        } catch (IOException e) {
            // same as EOF
        }
        Runtime.getRuntime().halt(0);
    }
}
