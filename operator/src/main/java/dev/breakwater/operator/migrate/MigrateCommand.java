package dev.breakwater.operator.migrate;

import dev.breakwater.operator.cli.CommandLines;
import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.compile.CompilerOptions;
import dev.breakwater.operator.local.ManifestError;
import dev.breakwater.operator.local.ManifestLoader;
import dev.breakwater.operator.local.Manifests;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code breakwater migrate DIR|--from-cluster}: the {@link MigrationReport} of a folder of manifests or of a
 * cluster (through the kubeconfig). Exit status 0 when nothing would change behaviour, 1 when something would, 2 for
 * a bad command line.
 */
@Command(name = "migrate",
        description = {"Report what Breakwater does with the ingress-nginx configuration of DIR (manifests) or of a "
                + "cluster (--from-cluster): per Ingress every annotation, per controller ConfigMap every key, served "
                + "as is, served with a difference (which), or not supported.",
            "Exit status: 0 nothing would change behaviour, 1 something would, 2 a bad command line."})
public final class MigrateCommand implements Callable<Integer> {

    /** The exit status when serving with Breakwater would change behaviour. */
    public static final int CHANGES = 1;

    /** ingress-nginx's Helm chart's controller ConfigMap. */
    static final String DEFAULT_CONFIGMAP = "ingress-nginx/ingress-nginx-controller";

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", arity = "0..1", description = "A folder of manifests (as local reads them).")
    Path dir;

    @Option(names = "--from-cluster", description = "Read the Ingresses and the ConfigMap of the kubeconfig's cluster.")
    boolean fromCluster;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "With --from-cluster: this kubeconfig (default: KUBECONFIG, ~/.kube/config, in-cluster).")
    Path kubeconfig;

    @Option(names = "--configmap", paramLabel = "NAMESPACE/NAME",
            description = "ingress-nginx's controller ConfigMap (default: " + DEFAULT_CONFIGMAP + ").")
    String configMap = DEFAULT_CONFIGMAP;

    @Override
    public Integer call() throws IOException {
        if ((dir == null) == !fromCluster) {
            throw CommandLines.usageError(spec.commandLine(), "give a DIR or --from-cluster (one of them)");
        }
        if (kubeconfig != null && !fromCluster) {
            throw CommandLines.usageError(spec.commandLine(), "--kubeconfig goes with --from-cluster");
        }
        try {
            CompilerOptions.local().withControllerConfigMap(configMap);
        } catch (IllegalArgumentException e) {
            throw CommandLines.usageError(spec.commandLine(), e.getMessage().replace("controllerConfigMap:",
                    "--configmap:"));
        }
        PrintWriter out = spec.commandLine().getOut();
        ClusterSnapshot snapshot;
        if (fromCluster) {
            snapshot = ClusterReader.read(kubeconfig, configMap);
        } else {
            if (!Files.isDirectory(dir)) {
                throw CommandLines.usageError(spec.commandLine(), dir + " is not a folder");
            }
            Manifests manifests = new ManifestLoader().load(dir);
            for (ManifestError e : manifests.errors()) {
                out.println("! " + e);
            }
            snapshot = manifests.snapshot();
        }
        MigrationReport report = MigrationReport.of(snapshot, configMap);
        report.print(out);
        return report.changesBehaviour() ? CHANGES : 0;
    }
}
