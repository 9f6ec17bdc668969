package dev.breakwater.operator;

import static dev.breakwater.operator.IngressExample.NAMESPACE;
import static dev.breakwater.operator.IngressExample.PORT_NAME;
import static dev.breakwater.operator.IngressExample.SERVICE_PORT;

import dev.breakwater.operator.fixture.Fixtures;
import dev.breakwater.operator.fixture.IngressFixture;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Ingress behaviours every controller must show, as {@link IngressExample} rows: the path-matching
 * examples table of the Kubernetes Ingress documentation, the scenarios of the kubernetes-sigs
 * ingress-controller-conformance features (default backend, host rules, path rules, ingress class), our
 * class-selection rules (with ingress-nginx's class taken over), and ingress-nginx's rewrite and canary examples.
 * The rows are data: the compiler tests check them against the table, end-to-end tests send the same requests
 * through the proxy.
 */
public final class IngressExamples {

    private static final String DOCS = "kubernetes.io Ingress path matching examples";
    private static final String CONFORMANCE = "ingress-controller-conformance ";
    private static final String CLASSES = "Ingress class selection";
    private static final String OTHER_CONTROLLER = "k8s.io/ingress-nginx";

    private IngressExamples() {
    }

    /** Every row. */
    public static List<IngressExample> all() {
        return Stream.of(pathMatching(), defaultBackend(), hostRules(), pathRules(), ingressClass(),
                classSelection(), rewrites(), canaries()).flatMap(List::stream).toList();
    }

    /** The "Examples" table of kubernetes.io/docs/concepts/services-networking/ingress, one row per request. */
    public static List<IngressExample> pathMatching() {
        List<IngressExample> rows = new ArrayList<>();
        Ingress root = docsIngress().prefix("/", "root", SERVICE_PORT).build();
        for (String path : List.of("/", "/foo", "/aaa/bbb/ccc")) {
            rows.add(docs("Prefix / matches all paths", root, path, "root"));
        }
        Ingress exactFoo = docsIngress().exact("/foo", "foo-exact", SERVICE_PORT).build();
        rows.add(docs("Exact /foo matches /foo", exactFoo, "/foo", "foo-exact"));
        rows.add(docs("Exact /foo does not match /bar", exactFoo, "/bar", null));
        rows.add(docs("Exact /foo does not match /foo/", exactFoo, "/foo/", null));
        Ingress exactFooSlash = docsIngress().exact("/foo/", "foo-slash-exact", SERVICE_PORT).build();
        rows.add(docs("Exact /foo/ does not match /foo", exactFooSlash, "/foo", null));
        Ingress prefixFoo = docsIngress().prefix("/foo", "foo-prefix", SERVICE_PORT).build();
        rows.add(docs("Prefix /foo matches /foo", prefixFoo, "/foo", "foo-prefix"));
        rows.add(docs("Prefix /foo matches /foo/", prefixFoo, "/foo/", "foo-prefix"));
        Ingress prefixFooSlash = docsIngress().prefix("/foo/", "foo-slash-prefix", SERVICE_PORT).build();
        rows.add(docs("Prefix /foo/ matches /foo", prefixFooSlash, "/foo", "foo-slash-prefix"));
        rows.add(docs("Prefix /foo/ matches /foo/", prefixFooSlash, "/foo/", "foo-slash-prefix"));
        Ingress aaaBb = docsIngress().prefix("/aaa/bb", "aaa-bb-prefix", SERVICE_PORT).build();
        rows.add(docs("Prefix /aaa/bb does not match /aaa/bbb", aaaBb, "/aaa/bbb", null));
        Ingress aaaBbb = docsIngress().prefix("/aaa/bbb", "aaa-bbb-prefix", SERVICE_PORT).build();
        rows.add(docs("Prefix /aaa/bbb matches /aaa/bbb", aaaBbb, "/aaa/bbb", "aaa-bbb-prefix"));
        Ingress aaaBbbSlash = docsIngress().prefix("/aaa/bbb/", "aaa-bbb-slash-prefix", SERVICE_PORT).build();
        rows.add(docs("Prefix /aaa/bbb/ matches /aaa/bbb, ignoring the trailing slash", aaaBbbSlash, "/aaa/bbb",
                "aaa-bbb-slash-prefix"));
        rows.add(docs("Prefix /aaa/bbb matches /aaa/bbb/, the trailing slash", aaaBbb, "/aaa/bbb/",
                "aaa-bbb-prefix"));
        rows.add(docs("Prefix /aaa/bbb matches the subpath /aaa/bbb/ccc", aaaBbb, "/aaa/bbb/ccc", "aaa-bbb-prefix"));
        rows.add(docs("Prefix /aaa/bbb does not match the string prefix /aaa/bbbxyz", aaaBbb, "/aaa/bbbxyz", null));
        Ingress rootAaa = docsIngress().prefix("/", "root", SERVICE_PORT).prefix("/aaa", "aaa-prefix", SERVICE_PORT)
                .build();
        rows.add(docs("Prefix /, /aaa: /aaa/ccc matches the /aaa prefix", rootAaa, "/aaa/ccc", "aaa-prefix"));
        Ingress rootAaaBbb = docsIngress().prefix("/", "root", SERVICE_PORT)
                .prefix("/aaa", "aaa-prefix", SERVICE_PORT).prefix("/aaa/bbb", "aaa-bbb-prefix", SERVICE_PORT).build();
        rows.add(docs("Prefix /, /aaa, /aaa/bbb: /aaa/bbb matches the /aaa/bbb prefix", rootAaaBbb, "/aaa/bbb",
                "aaa-bbb-prefix"));
        rows.add(docs("Prefix /, /aaa, /aaa/bbb: /ccc matches the / prefix", rootAaaBbb, "/ccc", "root"));
        Ingress aaaWithDefault = docsIngress().prefix("/aaa", "aaa-prefix", SERVICE_PORT)
                .defaultBackend("default-backend", SERVICE_PORT).build();
        rows.add(docs("Prefix /aaa does not match /ccc, which goes to the default backend", aaaWithDefault, "/ccc",
                "default-backend"));
        Ingress mixed = docsIngress().prefix("/foo", "foo-prefix", SERVICE_PORT)
                .exact("/foo", "foo-exact", SERVICE_PORT).build();
        rows.add(docs("Mixed Prefix /foo and Exact /foo: /foo prefers Exact", mixed, "/foo", "foo-exact"));
        return rows;
    }

    /** Scenarios of features/default_backend.feature: an Ingress with only a default backend. */
    public static List<IngressExample> defaultBackend() {
        String source = CONFORMANCE + "default_backend.feature";
        Ingress ingress = Fixtures.ingress(NAMESPACE, "default-backend")
                .defaultBackend("echo-service", SERVICE_PORT).build();
        List<IngressExample> rows = new ArrayList<>();
        String[][] requests = {
            {"GET", "my-host", "/"}, {"GET", "my-host", "/sub-path"}, {"POST", "some-host", "/"},
            {"PUT", "", "/resource"}, {"DELETE", "some-host", "/resource"}, {"PATCH", "my-host", "/resource"},
        };
        for (String[] request : requests) {
            rows.add(row(source, "no rules: " + request[0] + " goes to the default backend", List.of(ingress),
                    request[1], request[2], "echo-service"));
        }
        return rows;
    }

    /** Scenarios of features/host_rules.feature: an exact and a wildcard host. */
    public static List<IngressExample> hostRules() {
        String source = CONFORMANCE + "host_rules.feature";
        List<Ingress> ingress = List.of(Fixtures.ingress(NAMESPACE, "host-rules")
                .tls("conformance-tls", "foo.bar.com")
                .host("*.foo.com").prefix("/", "wildcard-foo-com", SERVICE_PORT)
                .host("foo.bar.com").prefix("/", "foo-bar-com", PORT_NAME)
                .build());
        return List.of(
                new IngressExample(source, "host foo.bar.com serves TLS requests for foo.bar.com", ingress,
                        List.of(), true, "foo.bar.com", "/", "foo-bar-com"),
                row(source, "host foo.bar.com serves foo.bar.com", ingress, "foo.bar.com", "/", "foo-bar-com"),
                row(source, "host foo.bar.com does not serve subdomain.bar.com", ingress, "subdomain.bar.com", "/",
                        null),
                row(source, "wildcard *.foo.com serves bar.foo.com", ingress, "bar.foo.com", "/", "wildcard-foo-com"),
                row(source, "wildcard *.foo.com covers one label only, not baz.bar.foo.com", ingress,
                        "baz.bar.foo.com", "/", null),
                row(source, "wildcard *.foo.com needs one label, foo.com has none", ingress, "foo.com", "/", null));
    }

    /** Scenarios of features/path_rules.feature: exact, prefix, mixed and trailing-slash paths. */
    public static List<IngressExample> pathRules() {
        String source = CONFORMANCE + "path_rules.feature";
        List<Ingress> ingress = List.of(Fixtures.ingress(NAMESPACE, "path-rules")
                .host("exact-path-rules").exact("/foo", "foo-exact", SERVICE_PORT)
                .host("prefix-path-rules").prefix("/foo", "foo-prefix", SERVICE_PORT)
                .prefix("/aaa/bbb", "aaa-slash-bbb-prefix", SERVICE_PORT)
                .prefix("/aaa", "aaa-prefix", SERVICE_PORT)
                .host("mixed-path-rules").prefix("/foo", "foo-prefix", SERVICE_PORT)
                .exact("/foo", "foo-exact", SERVICE_PORT)
                .host("trailing-slash-path-rules").prefix("/aaa/bbb/", "aaa-slash-bbb-slash-prefix", SERVICE_PORT)
                .exact("/foo/", "foo-slash-exact", SERVICE_PORT)
                .build());
        return List.of(
                row(source, "exact /foo matches /foo", ingress, "exact-path-rules", "/foo", "foo-exact"),
                row(source, "exact /foo does not match /foo/", ingress, "exact-path-rules", "/foo/", null),
                row(source, "exact /foo is case sensitive: not /FOO", ingress, "exact-path-rules", "/FOO", null),
                row(source, "exact /foo does not match /bar", ingress, "exact-path-rules", "/bar", null),
                row(source, "prefix /foo matches /foo", ingress, "prefix-path-rules", "/foo", "foo-prefix"),
                row(source, "prefix /foo matches /foo/", ingress, "prefix-path-rules", "/foo/", "foo-prefix"),
                row(source, "prefix /foo is case sensitive: not /FOO", ingress, "prefix-path-rules", "/FOO", null),
                row(source, "prefix /aaa/bbb, the longest, matches /aaa/bbb", ingress, "prefix-path-rules",
                        "/aaa/bbb", "aaa-slash-bbb-prefix"),
                row(source, "prefix /aaa/bbb, the longest, matches the subpath /aaa/bbb/ccc", ingress,
                        "prefix-path-rules", "/aaa/bbb/ccc", "aaa-slash-bbb-prefix"),
                row(source, "prefix /aaa matches /aaa/ccc", ingress, "prefix-path-rules", "/aaa/ccc", "aaa-prefix"),
                row(source, "prefix /aaa matches whole labels: not /aaaccc", ingress, "prefix-path-rules",
                        "/aaaccc", null),
                row(source, "mixed: exact /foo is preferred for /foo", ingress, "mixed-path-rules", "/foo",
                        "foo-exact"),
                row(source, "prefix /aaa/bbb/ ignores its trailing slash: matches /aaa/bbb", ingress,
                        "trailing-slash-path-rules", "/aaa/bbb", "aaa-slash-bbb-slash-prefix"),
                row(source, "prefix /aaa/bbb/ matches /aaa/bbb/", ingress, "trailing-slash-path-rules", "/aaa/bbb/",
                        "aaa-slash-bbb-slash-prefix"),
                row(source, "exact /foo/ does not match /foo", ingress, "trailing-slash-path-rules", "/foo", null));
    }

    /** Scenario of features/ingress_class.feature: a class nobody implements is not served. */
    public static List<IngressExample> ingressClass() {
        String source = CONFORMANCE + "ingress_class.feature";
        List<Ingress> ingress = List.of(Fixtures.ingress(NAMESPACE, "test-ingress-class")
                .className("some-invalid-class-name")
                .host("ingress-class").prefix("/", "ingress-class-prefix", SERVICE_PORT)
                .build());
        return List.of(row(source, "an Ingress of an unknown class is not served", ingress, "ingress-class", "/",
                null));
    }

    /**
     * The rewrite example of ingress-nginx's documentation (docs/examples/rewrite: {@code use-regex},
     * {@code rewrite-target: /$2} on {@code /something(/|$)(.*)}), and the older {@code rewrite-target: /} form.
     */
    public static List<IngressExample> rewrites() {
        String source = "ingress-nginx rewrite example";
        String nginx = "nginx.ingress.kubernetes.io/";
        List<Ingress> groups = List.of(Fixtures.ingress(NAMESPACE, "rewrite")
                .annotation(nginx + "use-regex", "true").annotation(nginx + "rewrite-target", "/$2")
                .host("rewrite.bar.com").implementationSpecific("/something(/|$)(.*)", "http-svc", SERVICE_PORT)
                .build());
        List<Ingress> root = List.of(Fixtures.ingress(NAMESPACE, "rewrite-root")
                .annotation(nginx + "rewrite-target", "/")
                .host("root.bar.com").prefix("/api", "api-svc", SERVICE_PORT).build());
        return List.of(
                rewriteRow(source, "/something is rewritten to /", groups, "rewrite.bar.com", "/something", "/"),
                rewriteRow(source, "/something/ is rewritten to /", groups, "rewrite.bar.com", "/something/", "/"),
                rewriteRow(source, "/something/new is rewritten to /new", groups, "rewrite.bar.com", "/something/new",
                        "/new"),
                rewriteRow(source, "the query is kept", groups, "rewrite.bar.com", "/something/new?x=1&y=%20",
                        "/new?x=1&y=%20"),
                rewriteRow(source, "regex paths match case-insensitively", groups, "rewrite.bar.com", "/SomeThing/a/b",
                        "/a/b"),
                row(source, "/somethingelse does not match /something(/|$)", groups, "rewrite.bar.com",
                        "/somethingelse", null),
                rewriteRow(source, "rewrite-target / replaces the whole path", root, "root.bar.com", "/api/users/7",
                        "/"));
    }

    /**
     * ingress-nginx's canary annotations (user-guide/nginx-configuration/annotations, "Canary"): a canary Ingress
     * for the same host and path as the main one sends requests to its Service by header ({@code always},
     * {@code never}, a value, a pattern), then by cookie, then by weight.
     */
    public static List<IngressExample> canaries() {
        String source = "ingress-nginx canary annotations";
        String nginx = "nginx.ingress.kubernetes.io/";
        Ingress main = Fixtures.ingress(NAMESPACE, "production").host("canary.example")
                .prefix("/", "production", SERVICE_PORT).build();
        java.util.function.Function<String[], List<Ingress>> withCanary = annotations -> {
            IngressFixture canary = Fixtures.ingress(NAMESPACE, "canary").host("canary.example")
                    .prefix("/", "canary", SERVICE_PORT).annotation(nginx + "canary", "true");
            for (int i = 0; i < annotations.length; i += 2) {
                canary.annotation(nginx + annotations[i], annotations[i + 1]);
            }
            return List.of(main, canary.build());
        };
        List<Ingress> byHeader = withCanary.apply(new String[] {"canary-by-header", "X-Canary"});
        List<Ingress> byValue = withCanary.apply(new String[] {"canary-by-header", "X-Region",
            "canary-by-header-value", "eu-west"});
        List<Ingress> byPattern = withCanary.apply(new String[] {"canary-by-header", "X-User",
            "canary-by-header-pattern", "beta"});
        List<Ingress> byCookie = withCanary.apply(new String[] {"canary-by-cookie", "canary_users"});
        List<Ingress> all = withCanary.apply(new String[] {"canary-by-header", "X-Canary", "canary-by-cookie",
            "canary", "canary-weight", "100"});
        List<Ingress> defaults = List.of(
                Fixtures.ingress(NAMESPACE, "production").defaultBackend("production", SERVICE_PORT).build(),
                Fixtures.ingress(NAMESPACE, "canary").defaultBackend("canary", SERVICE_PORT)
                        .annotation(nginx + "canary", "true").annotation(nginx + "canary-by-header", "X-Canary")
                        .build());
        return List.of(
                canaryRow(source, "by header: always goes to the canary", byHeader, "canary", "X-Canary", "always"),
                canaryRow(source, "by header: never stays on the main Service", byHeader, "production",
                        "X-Canary", "never"),
                canaryRow(source, "by header: another value decides nothing (weight 0)", byHeader, "production",
                        "X-Canary", "yes"),
                canaryRow(source, "by header: without the header, the main Service", byHeader, "production"),
                canaryRow(source, "by header value: the value goes to the canary", byValue, "canary",
                        "X-Region", "eu-west"),
                canaryRow(source, "by header value: always is just another value then", byValue, "production",
                        "X-Region", "always"),
                canaryRow(source, "by header pattern: found in the value goes to the canary", byPattern, "canary",
                        "X-User", "team-beta-7"),
                canaryRow(source, "by header pattern: not found stays on the main Service", byPattern, "production",
                        "X-User", "gamma"),
                canaryRow(source, "by cookie: always goes to the canary", byCookie, "canary",
                        "Cookie", "canary_users=always"),
                canaryRow(source, "by cookie: always after other cookies", byCookie, "canary",
                        "Cookie", "session=1; canary_users=always"),
                canaryRow(source, "by cookie: never stays on the main Service", byCookie, "production",
                        "Cookie", "canary_users=never"),
                canaryRow(source, "by cookie: another value decides nothing", byCookie, "production",
                        "Cookie", "canary_users=maybe"),
                canaryRow(source, "precedence: weight 100 without header or cookie goes to the canary", all, "canary"),
                canaryRow(source, "precedence: header never beats cookie always", all, "production",
                        "X-Canary", "never", "Cookie", "canary=always"),
                canaryRow(source, "precedence: header always beats cookie never", all, "canary",
                        "X-Canary", "always", "Cookie", "canary=never"),
                canaryRow(source, "precedence: cookie never beats weight 100", all, "production",
                        "X-Canary", "maybe", "Cookie", "canary=never"),
                new IngressExample(source, "a canary of the default backend: always goes to the canary", defaults,
                        List.of(), false, "any.example", "/x", "canary").withHeaders("X-Canary", "always"),
                new IngressExample(source, "a canary of the default backend: without the header, the main Service",
                        defaults, List.of(), false, "any.example", "/x", "production"));
    }

    private static IngressExample canaryRow(String source, String description, List<Ingress> ingresses,
                                            String service, String... headers) {
        return new IngressExample(source, description, ingresses, List.of(), false, "canary.example", "/app",
                service).withHeaders(headers);
    }

    private static IngressExample rewriteRow(String source, String description, List<Ingress> ingresses, String host,
                                             String path, String uri) {
        String service = ingresses.get(0).getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend()
                .getService().getName();
        return new IngressExample(source, description, ingresses, List.of(), false, host, path, service, uri);
    }

    /** Which Ingresses are ours, by class name, deprecated annotation or default class. */
    public static List<IngressExample> classSelection() {
        IngressClass ours = Fixtures.ingressClass("breakwater", Fixtures.OUR_CONTROLLER, false);
        IngressClass oursDefault = Fixtures.ingressClass("breakwater", Fixtures.OUR_CONTROLLER, true);
        IngressClass nginx = Fixtures.ingressClass("nginx", OTHER_CONTROLLER, false);
        IngressClass nginxDefault = Fixtures.ingressClass("nginx", OTHER_CONTROLLER, true);
        return List.of(
                classRow("spec.ingressClassName of our class is served", classed().className("breakwater"),
                        List.of(ours, nginx), "app"),
                classRow("spec.ingressClassName of another controller's class is not served",
                        classed().className("nginx"), List.of(oursDefault, nginx), null),
                classRow("the kubernetes.io/ingress.class annotation naming our class is served",
                        classed().annotation("kubernetes.io/ingress.class", "breakwater"), List.of(ours, nginx), "app"),
                classRow("the kubernetes.io/ingress.class annotation naming another class is not served",
                        classed().annotation("kubernetes.io/ingress.class", "nginx"), List.of(oursDefault), null),
                classRow("spec.ingressClassName wins over the annotation",
                        classed().className("nginx").annotation("kubernetes.io/ingress.class", "breakwater"),
                        List.of(ours, nginx), null),
                classRow("no class is served when our class is the default", classed(), List.of(oursDefault, nginx),
                        "app"),
                classRow("no class is not served when our class is not the default", classed(), List.of(ours, nginx),
                        null),
                classRow("no class is not served when another controller's class is the default", classed(),
                        List.of(ours, nginxDefault), null),
                classRow("no class is served under the implicit default class when no class of ours exists",
                        classed(), List.of(nginx), "app"),
                classRow("spec.ingressClassName breakwater is served under the implicit default class",
                        classed().className("breakwater"), List.of(), "app"),
                classRow("also serving nginx: spec.ingressClassName nginx is served, although ingress-nginx's",
                        classed().className("nginx"), List.of(ours, nginx), "app").alsoServing("nginx"),
                classRow("also serving nginx: the kubernetes.io/ingress.class annotation nginx is served",
                        classed().annotation("kubernetes.io/ingress.class", "nginx"), List.of(ours, nginx), "app")
                        .alsoServing("nginx"),
                classRow("also serving nginx: another class is still not served", classed().className("traefik"),
                        List.of(ours, nginx), null).alsoServing("nginx"));
    }

    private static IngressFixture docsIngress() {
        return Fixtures.ingress(NAMESPACE, "docs").anyHost();
    }

    private static IngressExample docs(String description, Ingress ingress, String path, String service) {
        return row(DOCS, description, List.of(ingress), "example.com", path, service);
    }

    private static IngressFixture classed() {
        return Fixtures.ingress(NAMESPACE, "classed").host("class.example").prefix("/", "app", SERVICE_PORT);
    }

    private static IngressExample classRow(String description, IngressFixture ingress, List<IngressClass> classes,
                                           String service) {
        return new IngressExample(CLASSES, description, List.of(ingress.build()), classes, false, "class.example",
                "/", service);
    }

    private static IngressExample row(String source, String description, List<Ingress> ingresses, String host,
                                      String path, String service) {
        return new IngressExample(source, description, ingresses, List.of(), false, host, path, service);
    }
}
