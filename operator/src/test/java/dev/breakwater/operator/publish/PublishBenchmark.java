package dev.breakwater.operator.publish;

import dev.breakwater.channel.ChannelMessage;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableLayout;
import dev.breakwater.routing.VirtualHost;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What publishing one table costs the operator before any data plane asks for it, at N hosts (two routes and a
 * cluster of three endpoints each), each table one host and cluster more than the one before: the whole table encoded
 * (as every publication did) against only the new parts encoded ({@link PartEncodings}); both with the delta from
 * the table before made and compressed ({@link PublishedTable}). Not a test: run by hand (see
 * docs/performance.md#scale), {@code PublishBenchmark [N] [steps]}; prints medians after the first third.
 */
public final class PublishBenchmark {

    private PublishBenchmark() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        List<VirtualHost> hosts = new ArrayList<>();
        List<Cluster> clusters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            add(i, hosts, clusters);
        }
        PartEncodings encodings = new PartEncodings();
        RoutingTable first = RoutingTable.of(hosts, clusters).withVersion(1);
        PublishedTable previous = PublishedTable.of(first, encodings.layout(first), null, 0);
        long[] whole = new long[steps];
        long[] parts = new long[steps];
        for (int s = 0; s < steps; s++) {
            add(n + s, hosts, clusters);
            RoutingTable table = RoutingTable.of(hosts, clusters).withVersion(2 + s);
            long a = System.nanoTime();
            ChannelMessage.Table message = ChannelMessage.Table.of(table);
            long b = System.nanoTime();
            TableLayout layout = encodings.layout(table);
            PublishedTable published = PublishedTable.of(table, layout, previous, b);
            long c = System.nanoTime();
            if (published.deltaFrom(previous.hash()) == null || layout.length() != message.tableJson().length) {
                throw new AssertionError("step " + s + ": no delta, or another length");
            }
            whole[s] = b - a;
            parts[s] = c - b;
            previous = published;
        }
        System.out.printf("N=%d: whole table encoded: median %.1f ms; new parts encoded, delta made and compressed: "
                + "median %.1f ms (%d steps, first %d dropped)%n", n, median(whole, steps / 3),
                median(parts, steps / 3), steps, steps / 3);
    }

    private static double median(long[] nanos, int skip) {
        long[] kept = Arrays.copyOfRange(nanos, skip, nanos.length);
        Arrays.sort(kept);
        return kept[kept.length / 2] / 1e6;
    }

    private static void add(int i, List<VirtualHost> hosts, List<Cluster> clusters) {
        String cluster = "bench/svc" + i + ":http";
        String host = "h" + i + ".example.com";
        hosts.add(new VirtualHost(host, List.of(
                new Route("bench/ing" + i + ":" + host + "/a", "Ingress/bench/ing" + i,
                        RouteMatch.path(PathMatch.prefix("/a")), RouteAction.Forward.to(cluster), null),
                new Route("bench/ing" + i + ":" + host + "/", "Ingress/bench/ing" + i,
                        RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to(cluster), null))));
        clusters.add(new Cluster(cluster, Cluster.Protocol.HTTP1, List.of(
                Endpoint.ready("192.0.2." + (i % 250 + 1), 8000 + i % 1000),
                Endpoint.ready("198.51.100." + (i % 250 + 1), 8000 + i % 1000),
                Endpoint.ready("203.0.113." + (i % 250 + 1), 8000 + i % 1000))));
    }
}
