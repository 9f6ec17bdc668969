package dev.breakwater.operator.chart;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The shell script of one of the chart's credentials Jobs, run here as its pod would run it (no kubelet in the
 * test): /bin/sh with the Job's environment, a token of the Job's ServiceAccount from the API server, the API
 * server's address as the pod would see it, and a stand-in for {@code java -jar breakwater-operator.jar
 * credentials DIR} that writes six files and records its arguments.
 */
record Script(String text, String namespace, String serviceAccount, Map<String, String> env) {

    private static final String STUB_JAVA = """
            #!/bin/sh
            # stands in for: java -jar breakwater-operator.jar credentials DIR --server-name NAME...
            printf '%s\\n' "$*" > "$STUB_ARGS"
            [ "$1" = -jar ] && [ "$3" = credentials ] || { echo "unexpected: java $*" >&2; exit 2; }
            mkdir -p "$4"
            for f in ca.crt ca.key server.crt server.key client.crt client.key; do echo "stub $f" > "$4/$f"; done
            """;

    /** What the script printed, how it ended, and the arguments the stand-in java got (empty if not run). */
    record Run(int exitCode, String output, String javaArgs) {
    }

    static Script of(Job job) {
        Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        if (!List.of("/bin/sh").equals(c.getCommand()) || c.getArgs().size() != 2 || !c.getArgs().get(0).equals("-ec")) {
            throw new AssertionError("not a /bin/sh -ec script: " + c.getCommand() + " " + c.getArgs());
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar e : c.getEnv()) {
            if (e.getValue() != null) {
                env.put(e.getName(), e.getValue());
            }
        }
        String namespace = job.getMetadata().getNamespace();
        env.put("NAMESPACE", namespace);
        return new Script(c.getArgs().get(1), namespace, job.getSpec().getTemplate().getSpec().getServiceAccountName(),
                env);
    }

    Script as(String otherServiceAccount) {
        return new Script(text, namespace, otherServiceAccount, env);
    }

    Run run(KubeApiServer.Cluster cluster) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("breakwater-script");
        try {
            Path sa = Files.createDirectories(dir.resolve("serviceaccount"));
            Files.copy(cluster.caCertificate(), sa.resolve("ca.crt"));
            TokenRequest token = cluster.client().serviceAccounts().inNamespace(namespace).withName(serviceAccount)
                    .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L).endSpec().build());
            Files.writeString(sa.resolve("token"), token.getStatus().getToken());
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Files.writeString(bin.resolve("java"), STUB_JAVA);
            Files.setPosixFilePermissions(bin.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Path credentials = Files.createDirectories(dir.resolve("credentials"));
            Path stubArgs = dir.resolve("java-args");

            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-ec", text).redirectErrorStream(true);
            Map<String, String> e = pb.environment();
            e.putAll(env);
            URL api = new URL(cluster.client().getMasterUrl().toString());
            e.put("KUBERNETES_SERVICE_HOST", api.getHost());
            e.put("KUBERNETES_SERVICE_PORT", String.valueOf(api.getPort()));
            e.put("SERVICE_ACCOUNT_DIR", sa.toString());
            e.put("CREDENTIALS_DIR", credentials.toString());
            e.put("STUB_ARGS", stubArgs.toString());
            e.put("PATH", bin + ":" + e.getOrDefault("PATH", "/usr/bin:/bin"));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the script did not end within 60 s:\n" + out);
            }
            String javaArgs = Files.exists(stubArgs) ? Files.readString(stubArgs).strip() : "";
            return new Run(p.exitValue(), out, javaArgs);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
