package dev.breakwater.dataplane.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real {@code htpasswd} (Debian's apache2-utils, installed by .ci/run): lines as it writes them. */
public final class Htpasswd {

    private Htpasswd() {
    }

    /**
     * {@code htpasswd -n -b FLAGS user password}'s line, {@code user:hash}.
     *
     * @param flags {@code -B} (bcrypt), {@code -m} (apr1), {@code -s} (SHA-1), and e.g. {@code -C 10}
     */
    public static String line(String user, String password, String... flags) {
        List<String> command = new ArrayList<>(List.of("htpasswd", "-n", "-b"));
        command.addAll(List.of(flags));
        command.add(user);
        command.add(password);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("htpasswd failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("htpasswd is needed (Debian: apt-get install apache2-utils)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The hash of a {@link #line}. */
    public static String hash(String user, String password, String... flags) {
        String l = line(user, password, flags);
        return l.substring(l.indexOf(':') + 1);
    }
}
