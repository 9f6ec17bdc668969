package dev.breakwater.dataplane.bench;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableChanges;
import dev.breakwater.routing.TableCodec;
import dev.breakwater.routing.TableDelta;
import dev.breakwater.routing.VirtualHost;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link DataPlane#apply} of tables of N hosts (two routes each, a cluster of three endpoints each), each table one
 * host and cluster more than the one before, as a new Ingress of a new Service makes them (or, with {@code shared},
 * one host more on the first cluster: a new Ingress of an existing Service; with {@code endpoint}, one endpoint fewer
 * in one cluster: an endpoint removal). With {@code delta-} before the mode, each table arrives as the push channel
 * brings it: a {@code DELTA} decoded ({@link TableCodec#decodeDelta}), applied to the table served
 * ({@link TableDelta#applyTo}) and handed to the data plane ({@link #applyDelta}), all of it timed (and each
 * part). Not a test: run by
 * hand (see docs/performance.md#scale), {@code ApplyBenchmark [N] [steps] [[delta-]new|shared|endpoint]}; prints the
 * median after the first third.
 */
public final class ApplyBenchmark {

    private ApplyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        String mode = args.length > 2 ? args[2] : "new";
        boolean delta = mode.startsWith("delta-");
        String kind = delta ? mode.substring("delta-".length()) : mode;
        if (!List.of("new", "shared", "endpoint").contains(kind)) {
            throw new IllegalArgumentException("mode: " + mode + " (expected: [delta-]new|shared|endpoint)");
        }
        List<VirtualHost> hosts = new ArrayList<>();
        List<Cluster> clusters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            add(i, hosts, clusters);
        }
        try (DataPlane proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).workers(2)
                .build().start()) {
            long t0 = System.nanoTime();
            proxy.apply(RoutingTable.of(hosts, clusters).withVersion(1));
            long first = System.nanoTime() - t0;
            long[] apply = new long[steps];
            long[][] parts = new long[3][steps];
            for (int s = 0; s < steps; s++) {
                if (kind.equals("endpoint")) {
                    int c = (int) ((s * 7919L) % n);
                    Cluster was = clusters.get(c);
                    clusters.set(c, new Cluster(was.name(), was.protocol(),
                            was.endpoints().subList(0, was.endpoints().size() - 1)));
                } else {
                    add(n + s, hosts, kind.equals("shared") ? null : clusters);
                }
                RoutingTable table = RoutingTable.of(hosts, clusters).withVersion(2 + s);
                if (delta) {
                    RoutingTable served = proxy.table();
                    byte[] json = TableCodec.encodeDelta(TableDelta.between(served, table));
                    long a = System.nanoTime();
                    TableDelta decoded = TableCodec.decodeDelta(json);
                    long b = System.nanoTime();
                    RoutingTable made = decoded.applyTo(served);
                    long c = System.nanoTime();
                    applyDelta(proxy, made, decoded);
                    apply[s] = System.nanoTime() - a;
                    parts[0][s] = b - a;
                    parts[1][s] = c - b;
                    parts[2][s] = System.nanoTime() - c;
                } else {
                    long a = System.nanoTime();
                    proxy.apply(table);
                    apply[s] = System.nanoTime() - a;
                }
            }
            long[] kept = Arrays.copyOfRange(apply, steps / 3, steps);
            Arrays.sort(kept);
            System.out.printf("N=%d: first table applied in %.0f ms; %s%s: median %.2f ms, max %.2f ms (%d steps, "
                    + "first %d dropped)%n", n, first / 1e6, switch (kind) {
                        case "shared" -> "one host more (an existing cluster)";
                        case "endpoint" -> "one endpoint fewer in one cluster";
                        default -> "one host more (a new cluster)";
                    }, delta ? ", as a delta" : "", kept[kept.length / 2] / 1e6, kept[kept.length - 1] / 1e6, steps,
                    steps / 3);
            if (delta) {
                System.out.printf("  of which (medians): decoding %.2f ms, TableDelta.applyTo %.2f ms, "
                        + "DataPlane.apply %.2f ms%n", median(parts[0], steps), median(parts[1], steps),
                        median(parts[2], steps));
            }
        }
    }

    private static double median(long[] nanos, int steps) {
        long[] kept = Arrays.copyOfRange(nanos, steps / 3, steps);
        Arrays.sort(kept);
        return kept[kept.length / 2] / 1e6;
    }

    /** What the push channel's applier does with the table a delta made. */
    private static void applyDelta(DataPlane proxy, RoutingTable made, TableDelta delta) {
        proxy.apply(made, TableChanges.of(delta));
    }

    /** Host {@code i}, and its cluster unless {@code clusters} is null (then it forwards to the first). */
    private static void add(int i, List<VirtualHost> hosts, List<Cluster> clusters) {
        String cluster = "bench/svc" + (clusters == null ? 0 : i) + ":http";
        String host = "h" + i + ".example.com";
        hosts.add(new VirtualHost(host, List.of(
                new Route("bench/ing" + i + ":" + host + "/a", "Ingress/bench/ing" + i,
                        RouteMatch.path(PathMatch.prefix("/a")), RouteAction.Forward.to(cluster), null),
                new Route("bench/ing" + i + ":" + host + "/", "Ingress/bench/ing" + i,
                        RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to(cluster), null))));
        if (clusters == null) {
            return;
        }
        clusters.add(new Cluster(cluster, Cluster.Protocol.HTTP1, List.of(
                Endpoint.ready("192.0.2." + (i % 250 + 1), 8000 + i % 1000),
                Endpoint.ready("198.51.100." + (i % 250 + 1), 8000 + i % 1000),
                Endpoint.ready("203.0.113." + (i % 250 + 1), 8000 + i % 1000))));
    }
}
