package dev.breakwater.dataplane.accesslog;

import io.netty.util.internal.PlatformDependent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Queue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: event loops {@link #offer} an entry per ended request into a bounded lock-free queue (a full queue
 * drops the entry and counts it; an event loop never waits), and one writer thread formats the entries and writes
 * them to the output (standard output in the data plane) in batches, flushing whenever the queue runs dry.
 */
public final class AccessLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
    private static final int BATCH_BYTES = 64 * 1024;
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Writes nothing. */
    public static final AccessLog OFF = new AccessLog();

    private final AccessLogConfig config;
    private final Queue<AccessEntry> queue;
    private final OutputStream out;
    private final LongAdder written = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final Thread writer;
    private volatile boolean waiting;
    private volatile boolean closing;

    private AccessLog() {
        this.config = AccessLogConfig.OFF;
        this.queue = null;
        this.out = null;
        this.writer = null;
    }

    private AccessLog(AccessLogConfig config, OutputStream out) {
        this.config = config;
        this.queue = PlatformDependent.newFixedMpscQueue(config.queueLines());
        this.out = out;
        AccessLineFormat format = new AccessLineFormat(config.format());
        this.writer = new Thread(() -> run(format), "breakwater-access-log");
        writer.setDaemon(true);
    }

    /** An access log writing to {@code out} (started), or {@link #OFF} when the config says off. */
    public static AccessLog start(AccessLogConfig config, OutputStream out) {
        if (config.format() == AccessLogConfig.Format.OFF) {
            return OFF;
        }
        AccessLog log = new AccessLog(config, out);
        log.writer.start();
        return log;
    }

    /**
     * True when a request of a route is to be logged: the log is on, the route did not turn it off, and the request
     * falls in the sample. Asked before the entry is made, so that unlogged requests cost nothing more.
     */
    public boolean wants(boolean routeLogs) {
        if (writer == null || !routeLogs) {
            return false;
        }
        double sample = config.sample();
        return sample >= 1.0 || ThreadLocalRandom.current().nextDouble() < sample;
    }

    /** Queues an entry for the writer; when the queue is full the entry is dropped and counted. Never blocks. */
    public void offer(AccessEntry entry) {
        if (writer == null) {
            return;
        }
        if (!queue.offer(entry)) {
            dropped.increment();
            return;
        }
        if (waiting) {
            LockSupport.unpark(writer);
        }
    }

    /** Lines written since start. */
    public long written() {
        return written.sum();
    }

    /** Lines dropped because the queue was full. */
    public long dropped() {
        return dropped.sum();
    }

    public AccessLogConfig config() {
        return config;
    }

    private void run(AccessLineFormat format) {
        ByteArrayOutputStream batch = new ByteArrayOutputStream(BATCH_BYTES + 4096);
        while (true) {
            AccessEntry e = queue.poll();
            if (e != null) {
                try {
                    format.write(e, batch);
                    written.increment();
                } catch (RuntimeException ex) {
                    LOG.warn("access log: could not format a line of request {}: {}", e.requestId(), ex.toString());
                }
                if (batch.size() >= BATCH_BYTES) {
                    emit(batch);
                }
                continue;
            }
            emit(batch);
            if (closing) {
                if (queue.isEmpty()) {
                    return;
                }
                continue; // lines offered while the last batch was written
            }
            waiting = true;
            if (queue.isEmpty() && !closing) {
                LockSupport.parkNanos(this, IDLE_PARK_NANOS);
            }
            waiting = false;
        }
    }

    private void emit(ByteArrayOutputStream batch) {
        if (batch.size() == 0) {
            return;
        }
        try {
            batch.writeTo(out);
            out.flush();
        } catch (IOException ex) {
            LOG.warn("access log: could not write: {}", ex.toString());
        }
        batch.reset();
    }

    /** Writes what is queued, then stops the writer. */
    @Override
    public void close() {
        if (writer == null || closing) {
            return;
        }
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
