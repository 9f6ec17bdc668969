package dev.breakwater.operator.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.operator.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code breakwater migrate DIR}: the report of fixture folders of ingress-nginx manifests, line by line, and its exit
 * status (0 nothing would change, 1 something would, 2 a bad command line).
 */
class MigrateCommandTest {

    private static final Path FIXTURES = Path.of("src/test/resources/migrate");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int migrate(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "migrate";
        System.arraycopy(args, 0, all, 1, args.length);
        return commandLine.execute(all);
    }

    private List<String> lines() {
        return out.toString().lines().toList();
    }

    @Test
    void everyAnnotationAndKeyIsReportedWithWhatBreakwaterDoesAndTheExitStatusSaysBehaviourChanges() {
        int status = migrate(FIXTURES.resolve("mixed").toString());

        assertThat(status).as(out.toString()).isEqualTo(MigrateCommand.CHANGES);
        assertThat(lines()).containsSubsequence(
                "Ingress/web/legacy",
                "  breakwater.dev/drain-timeout: \"30s\"  served as is: Breakwater's own",
                "  nginx.ingress.kubernetes.io/app-root: \"/app\"  served as is",
                "  nginx.ingress.kubernetes.io/configuration-snippet: \"more_set_headers 'X-Legacy: 1';\"  not "
                        + "supported: snippets are refused (a warning)",
                "  nginx.ingress.kubernetes.io/limit-connections: \"10\"  served with a difference: counted per route "
                        + "and data-plane pod (ingress-nginx: per Ingress and replica); an idle keep-alive connection "
                        + "counts for nothing, as in nginx; a change of the route starts the count afresh",
                "Ingress/web/shop",
                "  nginx.ingress.kubernetes.io/affinity: \"cookie\"  served with a difference: the cookie holds an "
                        + "endpoint id, not nginx's hash; a session stays on its endpoint while that endpoint can "
                        + "serve (`affinity-mode: persistent`)",
                "  nginx.ingress.kubernetes.io/proxy-body-size: \"8m\"  served as is",
                "  nginx.ingress.kubernetes.io/proxy-read-timeout: \"120\"  served as is",
                "ConfigMap/ingress-nginx/ingress-nginx-controller",
                "  allow-snippet-annotations: \"true\"  served with a difference: \"true\" is not applied: Breakwater "
                        + "never uses a snippet as configuration text (allow-snippet-annotations is always false)",
                "  hsts: \"true\"  served as is: the default of every Ingress's `breakwater.dev/hsts` annotation (an "
                        + "Ingress's own wins)",
                "  proxy-connect-timeout: \"3\"  served as is: the default of every Ingress's `proxy-connect-timeout` "
                        + "annotation",
                "  use-geoip2: \"true\"  not supported: ignored, with a warning",
                "  proxy-body-size (not set)  served with a difference: without the key ingress-nginx refuses bodies "
                        + "over `1m`, Breakwater over 64 MiB",
                "  hsts-include-subdomains (not set)  served with a difference: without the key ingress-nginx's HSTS "
                        + "has `includeSubDomains`, Breakwater's not");
        assertThat(lines()).anySatisfy(l -> assertThat(l).contains(" served as is, ")
                .contains(" served with a difference, ").contains(" not supported; behaviour would change (exit "
                        + "status 1)"));
        assertThat(lines()).as("the compiler's word on the missing endpoints is there")
                .anySatisfy(l -> assertThat(l).startsWith("  ! "));
    }

    @Test
    void whatBreakwaterServesAsIngressNginxDoesExitsZero() {
        int status = migrate(FIXTURES.resolve("clean").toString());

        assertThat(status).as(out.toString()).isZero();
        assertThat(lines()).containsSubsequence("Ingress/web/shop",
                "  nginx.ingress.kubernetes.io/force-ssl-redirect: \"false\"  served as is",
                "  nginx.ingress.kubernetes.io/proxy-connect-timeout: \"3\"  served as is",
                "ConfigMap/ingress-nginx/ingress-nginx-controller",
                "  hsts: \"true\"  served as is: the default of every Ingress's `breakwater.dev/hsts` annotation (an "
                        + "Ingress's own wins)");
        assertThat(lines()).last().asString().endsWith("0 not supported; nothing would change (exit status 0)");
    }

    @Test
    void aMissingConfigMapIsSaidAndCountsAsADifference(@TempDir Path empty) {
        int status = migrate(empty.toString(), "--configmap", "kube-system/nginx-config");

        assertThat(status).isEqualTo(MigrateCommand.CHANGES);
        assertThat(lines()).containsSubsequence("ConfigMap/kube-system/nginx-config",
                "  (the ConfigMap) (not set)  served with a difference: not found: ingress-nginx's defaults apply "
                        + "there, Breakwater's here");
    }

    @Test
    void withoutHstsHowItWouldBeSentIsNotADifference(@TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("cm.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data: {hsts: "false", proxy-body-size: 1m}
                """);

        assertThat(migrate(dir.toString())).as(out.toString()).isZero();
        assertThat(out.toString()).doesNotContain("hsts-include-subdomains");
    }

    @Test
    void theDataPlaneKeysAreServedAsIsAndWhatDiffersIsSaid(@TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("cm.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data: {hsts: "false", proxy-body-size: 1m, use-forwarded-headers: "true",
                       proxy-real-ip-cidr: 10.0.0.0/8, keep-alive: "75", upstream-keepalive-timeout: "60"}
                """);

        assertThat(migrate(dir.toString())).as(out.toString()).isZero();
        assertThat(out.toString()).contains("use-forwarded-headers").contains("proxy-real-ip-cidr")
                .contains("6 served as is, 0 served with a difference");

        java.nio.file.Files.writeString(dir.resolve("cm.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data: {hsts: "false", proxy-body-size: 1m, keep-alive: "0", compute-full-forwarded-for: "true"}
                """);
        out.getBuffer().setLength(0);

        assertThat(migrate(dir.toString())).as(out.toString()).isEqualTo(1);
        assertThat(lines()).anySatisfy(l -> assertThat(l).contains("keep-alive").contains("served with a difference")
                .contains("not applied"));
        assertThat(lines()).anySatisfy(l -> assertThat(l).contains("compute-full-forwarded-for")
                .contains("served with a difference").contains("no effect without use-forwarded-headers"));
    }

    @Test
    void theProtocolAndKeepaliveKeysAreServedAsIsOrSayWhatDiffers(@TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("cm.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data: {hsts: "false", proxy-body-size: 1m, block-cidrs: 192.0.2.0/24, use-http2: "true",
                       http-redirect-code: "308", upstream-keepalive-time: 1h, proxy-next-upstream-timeout: "5",
                       ssl-session-tickets: "false"}
                """);

        assertThat(migrate(dir.toString())).as(out.toString()).isZero();
        assertThat(out.toString()).contains("block-cidrs").contains("upstream-keepalive-time")
                .contains("8 served as is, 0 served with a difference");

        java.nio.file.Files.writeString(dir.resolve("cm.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data: {hsts: "false", proxy-body-size: 1m, use-http2: "false", ssl-session-cache-size: 10m}
                """);
        out.getBuffer().setLength(0);

        assertThat(migrate(dir.toString())).as(out.toString()).isEqualTo(1);
        assertThat(lines()).anySatisfy(l -> assertThat(l).contains("use-http2").contains("served with a difference")
                .contains("Breakwater offers HTTP/2"));
        assertThat(lines()).anySatisfy(l -> assertThat(l).contains("ssl-session-cache-size")
                .contains("served with a difference").contains("20000 sessions per certificate"));
    }

    @Test
    void mistakesAreUsageErrors(@TempDir Path dir) {
        assertThat(migrate()).isEqualTo(2);
        assertThat(err.toString()).contains("give a DIR or --from-cluster (one of them)");
        assertThat(migrate(dir.toString(), "--from-cluster")).isEqualTo(2);
        assertThat(migrate(dir.toString(), "--configmap", "no-slash")).isEqualTo(2);
        assertThat(err.toString()).contains("--configmap: 'no-slash' (expected: NAMESPACE/NAME of a ConfigMap)");
        assertThat(migrate(dir.resolve("missing").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("is not a folder");
    }
}
