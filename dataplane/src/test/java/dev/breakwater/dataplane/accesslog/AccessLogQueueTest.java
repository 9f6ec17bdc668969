package dev.breakwater.dataplane.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The queue between the event loops and the writer: bounded, never blocking, every line written or counted. */
class AccessLogQueueTest {

    private static AccessEntry entry(int i) {
        return new AccessEntry(0, "r" + i, null, "127.0.0.1", null, "GET", "http", "h", "/" + i, null, "HTTP/1.1",
                200, 0, 0, 1000, null, 0, -1, -1, 0, null, null, null, null, null, null, null, null, "http");
    }

    @Test
    void aFullQueueDropsAndCountsWhileTheWriterIsStuck() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (written) {
                    written.write(b, off, len);
                }
            }
        };
        AccessLog log = AccessLog.start(AccessLogConfig.DEFAULTS.withQueueLines(4), stuck);
        log.offer(entry(0));
        writing.await(); // the writer took the first line and is stuck writing it
        int offered = 1;
        for (int i = 1; i <= 100; i++) {
            log.offer(entry(i)); // returns at once even though nothing can be written
            offered++;
        }
        assertThat(log.dropped()).isGreaterThanOrEqualTo(100 - 4 - 1);
        release.countDown();
        log.close();
        assertThat(log.written() + log.dropped()).isEqualTo(offered);
        String text;
        synchronized (written) {
            text = written.toString(StandardCharsets.UTF_8);
        }
        assertThat(text.lines().count()).isEqualTo(log.written());
        assertThat(text).startsWith("{\"time\":\"1970-01-01T00:00:00.000Z\",\"request_id\":\"r0\"");
    }

    @Test
    void offIsOffAndSamplesAreDrawn() {
        assertThat(AccessLog.start(AccessLogConfig.OFF, OutputStream.nullOutputStream())).isSameAs(AccessLog.OFF);
        assertThat(AccessLog.OFF.wants(true)).isFalse();
        AccessLog all = AccessLog.start(AccessLogConfig.DEFAULTS, OutputStream.nullOutputStream());
        AccessLog none = AccessLog.start(AccessLogConfig.DEFAULTS.withSample(0), OutputStream.nullOutputStream());
        AccessLog half = AccessLog.start(AccessLogConfig.DEFAULTS.withSample(0.5), OutputStream.nullOutputStream());
        try {
            assertThat(all.wants(true)).isTrue();
            assertThat(all.wants(false)).isFalse();
            int taken = 0;
            for (int i = 0; i < 10_000; i++) {
                assertThat(none.wants(true)).isFalse();
                taken += half.wants(true) ? 1 : 0;
            }
            assertThat(taken).isBetween(4000, 6000);
        } finally {
            all.close();
            none.close();
            half.close();
        }
    }
}
