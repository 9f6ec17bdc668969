package dev.breakwater.operator.watch;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a {@code coordination.k8s.io} Lease (fabric8's {@link LeaderElector}): one replica leads;
 * the others wait, with warm caches, to take over once the Lease is released or expires.
 *
 * <ul>
 *   <li>Leading is decided locally too: when no renewal of the Lease has succeeded for {@code renewDeadline}, the
 *       listener hears {@code stoppedLeading()} even if the elector is still stuck in a request, so a replica cut
 *       off from the API server stops writing before the Lease can expire ({@code renewDeadline < leaseDuration})
 *       and another replica take over. The elector runs on a client of its own, with no request retries and
 *       timeouts shorter than the gap between the two. Should a renewal succeed again while the Lease is still
 *       ours, this replica leads again.</li>
 *   <li>On becoming leader the term is read from the Lease ({@code spec.leaseTransitions}, which grows with each
 *       change of holder), then the listener hears {@code startedLeading(term)}.</li>
 *   <li>On losing the Lease (renewal failed for {@code renewDeadline}, or another holder seen) the listener
 *       hears {@code stoppedLeading()} at once, and this replica becomes a candidate again: no restart needed.</li>
 *   <li>{@link #close()} first stops leading (the listener stops writing), then releases the Lease, so a standby
 *       takes over within about one {@code retryPeriod} rather than a whole {@code leaseDuration}.</li>
 * </ul>
 */
public final class Leadership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    /** Hears the changes; called with this object's lock held, so calls never overlap and must be quick. */
    public interface Listener {
        void startedLeading(long term);

        void stoppedLeading();
    }

    /**
     * @param namespace     the Lease's namespace (the operator's)
     * @param leaseName     the Lease's name
     * @param identity      this replica (its pod name)
     * @param leaseDuration how long a Lease not renewed keeps others from taking over
     * @param renewDeadline how long the leader keeps trying to renew before it gives up leading
     * @param retryPeriod   how often candidates try, and the leader renews
     */
    public record Settings(String namespace, String leaseName, String identity, Duration leaseDuration,
                           Duration renewDeadline, Duration retryPeriod) {
        public Settings {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(leaseName, "leaseName");
            Objects.requireNonNull(identity, "identity");
            if (!(leaseDuration.compareTo(renewDeadline) > 0 && renewDeadline.compareTo(retryPeriod) > 0
                    && !retryPeriod.isNegative() && !retryPeriod.isZero())) {
                throw new IllegalArgumentException("leaseDuration " + leaseDuration + ", renewDeadline "
                        + renewDeadline + ", retryPeriod " + retryPeriod
                        + " (expected: leaseDuration > renewDeadline > retryPeriod > 0)");
            }
        }

        /** client-go's defaults: 15 s, 10 s, 2 s. */
        public static Settings defaults(String namespace, String leaseName, String identity) {
            return new Settings(namespace, leaseName, identity, Duration.ofSeconds(15), Duration.ofSeconds(10),
                    Duration.ofSeconds(2));
        }
    }

    private final KubernetesClient client;
    private final KubernetesClient leaseClient;
    private final Settings settings;
    private final Listener listener;
    private final ExecutorService electorThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "breakwater-lease");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService tasks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "breakwater-leadership");
        t.setDaemon(true);
        return t;
    });

    // guarded by this
    private boolean closed;
    private boolean holding;
    private boolean leading;
    private boolean announcing;
    private long lastRenewal;
    private CompletableFuture<?> election;

    public Leadership(KubernetesClient client, Settings settings, Listener listener) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = Objects.requireNonNull(listener, "listener");
        int timeout = (int) Math.max(100, Math.min(settings.retryPeriod().toMillis(),
                settings.leaseDuration().minus(settings.renewDeadline()).toMillis() / 2));
        Config config = new ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0)
                .withRequestTimeout(timeout).withConnectionTimeout(timeout).build();
        this.leaseClient = new KubernetesClientBuilder().withConfig(config).build();
    }

    /** Becomes a candidate. */
    public synchronized void start() {
        if (election != null || closed) {
            throw new IllegalStateException("already started");
        }
        long period = Math.max(20, Math.min(1000, settings.retryPeriod().toMillis() / 4));
        tasks.scheduleWithFixedDelay(this::watchdog, period, period, TimeUnit.MILLISECONDS);
        join();
    }

    /** True while this replica leads (from {@code startedLeading} to {@code stoppedLeading}). */
    public synchronized boolean isLeader() {
        return leading;
    }

    public String identity() {
        return settings.identity();
    }

    private synchronized void join() {
        if (closed) {
            return;
        }
        LeaderElector elector = new LeaderElectorBuilder(leaseClient, electorThreads).withConfig(new LeaderElectionConfig(
                new RenewalsSeen(new LeaseLock(settings.namespace(), settings.leaseName(), settings.identity())),
                settings.leaseDuration(), settings.renewDeadline(), settings.retryPeriod(),
                new LeaderCallbacks(this::acquired, this::lost,
                        leader -> LOG.info("leader is now {}", leader == null || leader.isEmpty() ? "nobody" : leader)),
                true, settings.leaseName())).build();
        CompletableFuture<?> started = elector.start();
        election = started;
        started.whenComplete((v, e) -> {
            synchronized (this) {
                if (closed || election != started) {
                    return;
                }
            }
            lost();
            // a candidate again, on a fresh elector (each may run once)
            tasks.schedule(this::join, settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    private void acquired() {
        synchronized (this) {
            holding = true;
            if (announcing) {
                return;
            }
            announcing = true;
        }
        tasks.execute(this::announce);
    }

    private synchronized void renewed() {
        if (holding && !leading && !announcing && !closed) {
            // demoted by the watchdog, and the Lease turned out to be ours still
            announcing = true;
            tasks.execute(this::announce);
        }
    }

    private synchronized void watchdog() {
        if (leading && System.nanoTime() - lastRenewal > settings.renewDeadline().toNanos()) {
            LOG.warn("{}: no renewal of Lease {}/{} for {}: not leading any more", settings.identity(),
                    settings.namespace(), settings.leaseName(), settings.renewDeadline());
            leading = false;
            listener.stoppedLeading();
        }
    }

    private void announce() {
        try {
            announceTerm();
        } finally {
            synchronized (this) {
                announcing = false;
            }
        }
    }

    private void announceTerm() {
        long term = -1;
        while (term < 0) {
            synchronized (this) {
                if (!holding || closed) {
                    return;
                }
            }
            try {
                Lease lease = client.leases().inNamespace(settings.namespace()).withName(settings.leaseName()).get();
                Integer transitions = lease == null || lease.getSpec() == null ? null
                        : lease.getSpec().getLeaseTransitions();
                term = transitions == null ? 0 : transitions;
            } catch (KubernetesClientException e) {
                LOG.warn("cannot read Lease {}/{} for the term: {}", settings.namespace(), settings.leaseName(),
                        e.getMessage());
                sleep(settings.retryPeriod());
            }
        }
        synchronized (this) {
            if (holding && !closed && !leading
                    && System.nanoTime() - lastRenewal <= settings.renewDeadline().toNanos()) {
                leading = true;
                LOG.info("{} leads (Lease {}/{}, term {})", settings.identity(), settings.namespace(),
                        settings.leaseName(), term);
                listener.startedLeading(term);
            }
        }
    }

    private synchronized void lost() {
        holding = false;
        if (leading) {
            leading = false;
            LOG.info("{} no longer leads", settings.identity());
            listener.stoppedLeading();
        }
    }

    /** Stops leading (the listener hears it first), then releases the Lease and stops being a candidate. */
    @Override
    public void close() {
        CompletableFuture<?> e;
        synchronized (this) {
            if (closed) {
                return;
            }
            lost();
            closed = true;
            e = election;
        }
        if (e != null) {
            e.cancel(true); // releases the Lease when held (releaseOnCancel)
        }
        tasks.shutdownNow();
        electorThreads.shutdownNow();
        leaseClient.close();
    }

    /** The Lease lock, telling when a write of ours (a renewal, or taking the Lease) succeeded. */
    private final class RenewalsSeen implements Lock {
        private final Lock lock;
        /** When the elector's attempt began: it reads the Lease first, its renew time is taken before that. */
        private volatile long attemptStarted;

        RenewalsSeen(Lock lock) {
            this.lock = lock;
        }

        @Override
        public LeaderElectionRecord get(KubernetesClient c) {
            attemptStarted = System.nanoTime();
            return lock.get(c);
        }

        @Override
        public void create(KubernetesClient c, LeaderElectionRecord record) {
            lock.create(c, record);
            renewedAt(attemptStarted);
        }

        @Override
        public void update(KubernetesClient c, LeaderElectionRecord record) {
            lock.update(c, record);
            renewedAt(attemptStarted);
        }

        @Override
        public String identity() {
            return lock.identity();
        }

        @Override
        public String describe() {
            return lock.describe();
        }
    }

    /** A write that began at {@code started} succeeded: the Lease holds until {@code started + leaseDuration}. */
    private void renewedAt(long started) {
        synchronized (this) {
            lastRenewal = started;
        }
        renewed();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
