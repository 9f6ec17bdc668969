package dev.breakwater.dataplane.accesslog;

import io.netty.util.internal.PlatformDependent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Queue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: event loops {@link #offer} an entry per ended request into a bounded lock-free queue (a full queue
 * drops the entry and counts it; an event loop never waits), and one writer thread formats the entries and writes
 * them to the output (standard output in the data plane) in batches.
 *
 * <p>The writer sleeps between batches and wakes on its own every {@link AccessLogConfig#flushMillis}; an event loop
 * wakes it only when a quarter of the queue is taken. So at any rate an offer is a queue insert and a volatile read,
 * never a system call (waking a parked thread is one), and the writer makes one write per wake (or per 64 KiB) rather
 * than one per line: the cost of logging stays off the event loops.
 */
public final class AccessLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
    private static final int BATCH_BYTES = 64 * 1024;

    /** Writes nothing. */
    public static final AccessLog OFF = new AccessLog();

    private final AccessLogConfig config;
    private final Queue<AccessEntry> queue;
    private final OutputStream out;
    private final LongAdder written = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final Thread writer;
    /** Queued lines from which an offer wakes the writer before its time. */
    private final int wakeMark;
    private final long flushNanos;
    /** True while the writer sleeps; an offer that wakes it sets it false first, so that one offer wakes it. */
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private volatile boolean closing;

    private AccessLog() {
        this.config = AccessLogConfig.OFF;
        this.queue = null;
        this.out = null;
        this.writer = null;
        this.wakeMark = 0;
        this.flushNanos = 0;
    }

    private AccessLog(AccessLogConfig config, OutputStream out) {
        this.config = config;
        this.queue = PlatformDependent.newFixedMpscQueue(config.queueLines());
        this.out = out;
        this.wakeMark = Math.max(1, config.queueLines() / 4);
        this.flushNanos = TimeUnit.MILLISECONDS.toNanos(config.flushMillis());
        this.writer = new Thread(this::run, "breakwater-access-log");
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
        if (sleeping.get() && queue.size() >= wakeMark && sleeping.compareAndSet(true, false)) {
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

    private void run() {
        Batch batch = new Batch(BATCH_BYTES + 16384);
        AccessLineFormat format = new AccessLineFormat(config.format(), batch);
        while (true) {
            AccessEntry e;
            while ((e = queue.poll()) != null) {
                int mark = batch.size();
                try {
                    format.write(e);
                    written.increment();
                } catch (RuntimeException ex) {
                    LOG.warn("access log: could not format a line of request {}: {}", e.requestId(), ex.toString());
                    batch.truncate(mark); // no half line
                    format = new AccessLineFormat(config.format(), batch);
                }
                if (batch.size() >= BATCH_BYTES) {
                    emit(batch);
                }
            }
            emit(batch);
            if (closing) {
                if (queue.isEmpty()) {
                    return;
                }
                continue; // lines offered while the last batch was written
            }
            sleeping.set(true);
            if (queue.size() < wakeMark && !closing) {
                LockSupport.parkNanos(this, flushNanos);
            }
            sleeping.set(false);
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

    /** The writer's lines not yet written, which can drop a line that failed half way. */
    private static final class Batch extends ByteArrayOutputStream {
        Batch(int size) {
            super(size);
        }

        void truncate(int size) {
            count = size;
        }
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
