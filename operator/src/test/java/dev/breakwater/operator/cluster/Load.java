package dev.breakwater.operator.cluster;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A steady load on the data plane's host port: {@code threads} clients, each paced to its share of the rate, sending
 * {@code GET /} with one Host header on kept-alive HTTP/1.1 connections. Every request that does not end in a 200 is a
 * failure; with {@code retryRefused} a connection that could not be made, refused or its connect timed out
 * (nothing listens on the host port for a moment: the data plane's pod is being replaced), is tried again for up to 30 s instead, as a client of a single-node cluster would.
 * Bounded: it stops when closed or after {@code maxDuration}.
 */
final class Load implements AutoCloseable {

    private static final Duration MAX_DURATION = Duration.ofMinutes(10);

    private final URI uri;
    private final String host;
    private final boolean retryRefused;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong refusedRetries = new AtomicLong();
    private final Map<String, AtomicLong> bodies = new ConcurrentHashMap<>();
    private final List<String> errors = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private volatile boolean stopped;
    private volatile long stoppedNanos;

    private Load(URI uri, String host, int perSecond, int threadCount, boolean retryRefused) {
        this.uri = uri;
        this.host = host;
        this.retryRefused = retryRefused;
        long intervalNanos = 1_000_000_000L * threadCount / perSecond;
        for (int i = 0; i < threadCount; i++) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            long offset = intervalNanos * i / threadCount;
            Thread t = new Thread(() -> run(client, offset, intervalNanos), "load-" + host + "-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    /** Starts {@code perSecond} requests a second (10 clients) for {@code host} on {@code uri}. */
    static Load start(URI uri, String host, int perSecond, boolean retryRefused) {
        return new Load(uri, host, perSecond, 10, retryRefused);
    }

    private void run(HttpClient client, long offsetNanos, long intervalNanos) {
        long next = System.nanoTime() + offsetNanos;
        long end = startNanos + MAX_DURATION.toNanos();
        while (!stopped && System.nanoTime() < end) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            next += intervalNanos;
            one(client);
        }
    }

    private void one(HttpClient client) {
        sent.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(uri).header("Host", host).timeout(Duration.ofSeconds(10)).GET()
                .build();
        long retryUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    ok.incrementAndGet();
                    String body = response.body().strip();
                    bodies.computeIfAbsent(body.substring(body.indexOf("version=")), k -> new AtomicLong())
                            .incrementAndGet();
                } else {
                    fail("HTTP " + response.statusCode() + " " + response.body().strip());
                }
                return;
            } catch (ConnectException | HttpConnectTimeoutException e) {
                // refused, or no answer to the SYN (the host port's DNAT still names the replaced pod): no
                // connection was made, so no request was sent
                if (retryRefused && System.nanoTime() < retryUntil && !stopped) {
                    refusedRetries.incrementAndGet();
                    LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                    continue;
                }
                fail(e.toString());
                return;
            } catch (IOException e) {
                fail(e.toString());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void fail(String why) {
        failed.incrementAndGet();
        synchronized (errors) {
            if (errors.size() < 20) {
                errors.add(String.format("%.2fs %s", (System.nanoTime() - startNanos) / 1e9, why));
            }
        }
    }

    long failed() {
        return failed.get();
    }

    long ok() {
        return ok.get();
    }

    long sent() {
        return sent.get();
    }

    /** How many 200s said each version (the part of the body from "version="). */
    Map<String, AtomicLong> versions() {
        return bodies;
    }

    List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    String summary() {
        long end = stopped ? stoppedNanos : System.nanoTime();
        double seconds = (end - startNanos) / 1e9;
        return String.format("%d requests in %.1f s (%.0f/s): %d ok, %d failed%s; %s%s", sent.get(), seconds,
                sent.get() / seconds, ok.get(), failed.get(),
                retryRefused ? ", " + refusedRetries.get() + " retries of refused connections" : "", bodies,
                errors().isEmpty() ? "" : "; first errors: " + errors());
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        stoppedNanos = System.nanoTime();
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(40).toMillis());
        }
    }
}
