package dev.breakwater.dataplane.metrics;

import dev.breakwater.dataplane.loop.LoopCells;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.time.Duration;

/**
 * A Prometheus histogram of durations with fixed bucket bounds, recorded into {@link LoopCells} (no shared atomic per
 * request), read as one data point at a scrape.
 */
final class DurationHistogram {

    private final long[] boundsNanos;
    private final double[] boundsSeconds;
    /** One count per bucket (the last one above every bound), then the sum of nanoseconds. */
    private final LoopCells cells;

    DurationHistogram(Duration[] bounds) {
        boundsNanos = new long[bounds.length];
        boundsSeconds = new double[bounds.length + 1];
        for (int i = 0; i < bounds.length; i++) {
            boundsNanos[i] = bounds[i].toNanos();
            boundsSeconds[i] = boundsNanos[i] / 1e9;
        }
        boundsSeconds[bounds.length] = Double.POSITIVE_INFINITY;
        cells = new LoopCells(bounds.length + 2);
    }

    void record(long nanos) {
        long[] b = boundsNanos;
        int i = 0;
        while (i < b.length && nanos > b[i]) {
            i++;
        }
        cells.add(i, 1);
        cells.add(b.length + 1, Math.max(0, nanos));
    }

    /** This histogram with {@code labels}, as the exposition wants it (counts per bucket, sum in seconds). */
    HistogramDataPointSnapshot snapshot(Labels labels) {
        long[] sums = cells.sums();
        long[] counts = java.util.Arrays.copyOf(sums, boundsNanos.length + 1);
        return HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(boundsSeconds, counts))
                .sum(sums[boundsNanos.length + 1] / 1e9)
                .labels(labels)
                .build();
    }
}
