package dev.breakwater.operator.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.breakwater.operator.cluster.ClusterSnapshot;
import dev.breakwater.operator.cluster.GatewayApiObjects;
import dev.breakwater.operator.crd.Route;
import dev.breakwater.operator.gatewayapi.TcpRoute;
import dev.breakwater.operator.gatewayapi.TlsRoute;
import dev.breakwater.operator.gatewayapi.UdpRoute;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads the Kubernetes manifests of one folder for local mode.
 *
 * <p>Every {@code *.yaml} and {@code *.yml} file directly in the folder is read, in file-name order; a file
 * may hold several {@code ---}-separated documents, and empty documents are skipped. Ingress and IngressClass
 * ({@code networking.k8s.io/v1}), Service, Secret and ConfigMap ({@code v1}), EndpointSlice ({@code discovery.k8s.io/v1})
 * and Route ({@code breakwater.dev/v1alpha1}) are kept, and so are GatewayClass, Gateway, HTTPRoute, GRPCRoute,
 * TLSRoute, TCPRoute, UDPRoute ({@code gateway.networking.k8s.io/v1}), ReferenceGrant ({@code v1beta1}) and Namespace
 * ({@code v1}, for the labels
 * a listener's {@code allowedRoutes} selects by); other kinds are skipped with a warning. A Route is read
 * strictly, as {@code kubectl apply} validates it: a field the Route schema does not know (a typo) is an error. A namespaced object without
 * {@code metadata.namespace} goes to {@code default}. Problems never stop the loading: each bad document is
 * reported as a {@link ManifestError} and left out.
 *
 * <p>Files are read and parsed in parallel on more than two processors (on the common fork-join pool; the caller
 * is never an event loop), and taken in file-name order. A loader remembers what each file held: a file whose content (its SHA-256) did not change since the last
 * {@link #load} is not parsed again, its objects are reused (they are never modified). Only the files of the last
 * load are remembered. A file is not even read again when its {@link FileStamp} (size, modification and status
 * change times, file key) is the one of the last load and that load came more than {@link FileStamp#SETTLED} after
 * the file was last changed (so a change within the file system's time granularity cannot hide behind equal times).
 * {@link #update} reads only the files named (by the folder watch) and makes the reading from the one before.
 */
public final class ManifestLoader {

    private static final String DEFAULT_NAMESPACE = "default";

    /**
     * Whether files are parsed in parallel: on more than two processors. On two, the JIT compiler threads want the
     * second one at start, and a parallel first load measured no faster (docs/performance.md, "Cold compilation").
     */
    static final boolean PARALLEL = Runtime.getRuntime().availableProcessors() > 2;

    private static final Map<String, Kind> KINDS = Map.ofEntries(
            Map.entry("Ingress", new Kind(Ingress.class, "networking.k8s.io/v1", true)),
            Map.entry("IngressClass", new Kind(IngressClass.class, "networking.k8s.io/v1", false)),
            Map.entry("Service", new Kind(Service.class, "v1", true)),
            Map.entry("EndpointSlice", new Kind(EndpointSlice.class, "discovery.k8s.io/v1", true)),
            Map.entry("Secret", new Kind(Secret.class, "v1", true)),
            Map.entry("ConfigMap", new Kind(ConfigMap.class, "v1", true)),
            Map.entry(Route.KIND, new Kind(Route.class, Route.API_VERSION, true)),
            Map.entry("GatewayClass", new Kind(GatewayClass.class, "gateway.networking.k8s.io/v1", false)),
            Map.entry("Gateway", new Kind(Gateway.class, "gateway.networking.k8s.io/v1", true)),
            Map.entry("HTTPRoute", new Kind(HTTPRoute.class, "gateway.networking.k8s.io/v1", true)),
            Map.entry("GRPCRoute", new Kind(GRPCRoute.class, "gateway.networking.k8s.io/v1", true)),
            Map.entry("TLSRoute", new Kind(TlsRoute.class, TlsRoute.API_VERSION, true)),
            Map.entry("TCPRoute", new Kind(TcpRoute.class, TcpRoute.API_VERSION, true)),
            Map.entry("UDPRoute", new Kind(UdpRoute.class, UdpRoute.API_VERSION, true)),
            Map.entry("BackendTLSPolicy", new Kind(BackendTLSPolicy.class, "gateway.networking.k8s.io/v1", true)),
            Map.entry("ReferenceGrant", new Kind(ReferenceGrant.class, "gateway.networking.k8s.io/v1beta1", true)),
            Map.entry("Namespace", new Kind(Namespace.class, "v1", false)));

    private final Duration settled;
    /** Files read (their bytes) by this loader, for tests. */
    private final AtomicInteger filesRead = new AtomicInteger();

    public ManifestLoader() {
        this(FileStamp.SETTLED);
    }

    /** @param settled how long after a file's last change its stamp is trusted ({@link FileStamp#SETTLED}) */
    ManifestLoader(Duration settled) {
        this.settled = Objects.requireNonNull(settled, "settled");
    }

    /** How many files this loader has read (rather than found unchanged by their stamps). */
    int filesRead() {
        return filesRead.get();
    }

    private final YAMLMapper yaml = new YAMLMapper();
    private final ObjectMapper json = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    /** For our own kinds, whose every field we know: an unknown field is a mistake worth reporting. */
    private final ObjectMapper strictJson = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /**
     * Reads {@code directory}.
     *
     * @throws IOException if the folder itself cannot be listed (unreadable files are reported as errors)
     */
    public Manifests load(Path directory) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Run run = new Run();
        Map<Path, FileRead> reads = new HashMap<>();
        List<Path> files = manifestFiles(directory);
        // files are read and parsed in parallel (YAML parsing is most of a first load), then taken in name order
        List<FileRead> read = (PARALLEL && files.size() > 1 ? files.parallelStream() : files.stream())
                .map(this::read).toList();
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            reads.put(file, read.get(i));
            read.get(i).documents().forEach(d -> run.take(file, d));
        }
        Manifests result = run.result();
        synchronized (this) {
            lastReads = reads;
            lastDirectory = directory;
            lastResult = result;
            tentative = Map.of();
        }
        return result;
    }

    /** The files of the last load (or {@link #keep}), by path: their content's hash and what their documents held. */
    private Map<Path, FileRead> lastReads = Map.of();
    /** The folder and the result of the last load or {@link #keep}: what {@link #update} starts from. */
    private Path lastDirectory;
    private Manifests lastResult;
    /** Files read by an {@link #update} not kept, so that the next one does not parse them again. */
    private Map<Path, FileRead> tentative = Map.of();

    /** The kinds an {@link #update} replaces in place; a change to any other reads the folder whole. */
    private static final java.util.Set<Class<?>> REPLACEABLE = java.util.Set.of(Ingress.class, IngressClass.class,
            Service.class, EndpointSlice.class, Secret.class, Route.class);

    private static final java.nio.file.PathMatcher MANIFEST_NAME = java.nio.file.FileSystems.getDefault()
            .getPathMatcher("glob:*.{yaml,yml}");

    /** An object of the reading before and the one of the same kind and name that took its place (not equal). */
    record Replaced(HasMetadata before, HasMetadata after) {
    }

    /**
     * A reading made from the one before by reading some files again (see {@link #update}).
     *
     * @param base      the reading it was made from (the last {@link #load} or {@link #keep})
     * @param manifests {@code base} with each object of {@code replaced} in place of the one before
     * @param replaced  the objects whose content changed, in file order; objects whose content stayed are the very
     *                  instances of {@code base}, even when their file was parsed again
     */
    record Update(Manifests base, Manifests manifests, List<Replaced> replaced, Map<Path, FileRead> reads) {
    }

    /**
     * The folder as {@link #load} would read it after changes to {@code files} only (as the folder watch names them;
     * the other files are taken as the last reading left them, not even looked at), made from the last reading by
     * putting the changed objects in place of the ones before: no work in proportion to the folder. Null when it
     * cannot be made that way, and the folder must be read whole: no reading before (or one that found errors), a
     * manifest file added or removed, a changed file whose documents name other objects than before or hold a
     * problem, or a changed object of a kind other than Ingress, IngressClass, Service, EndpointSlice, Secret and
     * Route. Nothing is remembered until the update is {@linkplain #keep kept}.
     */
    Update update(Path directory, java.util.Collection<Path> files) {
        Objects.requireNonNull(directory, "directory");
        Manifests base;
        Map<Path, FileRead> before;
        synchronized (this) {
            if (lastResult == null || !directory.equals(lastDirectory)) {
                return null;
            }
            base = lastResult;
            before = lastReads;
        }
        if (!base.errors().isEmpty()) {
            return null;
        }
        Map<Path, FileRead> reads = new HashMap<>();
        List<Replaced> replaced = new ArrayList<>();
        for (Path file : new java.util.TreeSet<>(files)) {
            FileRead was = before.get(file);
            if (was == null) {
                if (directory.equals(file.getParent()) && MANIFEST_NAME.matches(file.getFileName())
                        && Files.exists(file)) {
                    return null; // a new manifest file
                }
                continue; // not a manifest of this folder (a temporary file, a removed one that never was read)
            }
            if (!Files.isRegularFile(file)) {
                return null; // removed
            }
            FileRead now = read(file);
            if (now.documents().size() != was.documents().size()) {
                return null;
            }
            List<Document> documents = new ArrayList<>(now.documents().size());
            for (int i = 0; i < now.documents().size(); i++) {
                Document a = was.documents().get(i);
                Document b = now.documents().get(i);
                if (a.problem() != null || b.problem() != null || !a.object().equals(b.object())) {
                    return null;
                }
                if (a.value() == b.value() || a.value().equals(b.value())) {
                    // the same content: the object of the reading before stays (so identity still says "unchanged")
                    documents.add(new Document(b.index(), b.object(), a.value(), null, false));
                    continue;
                }
                if (a.value().getClass() != b.value().getClass() || !REPLACEABLE.contains(a.value().getClass())) {
                    return null;
                }
                replaced.add(new Replaced(a.value(), b.value()));
                documents.add(b);
            }
            reads.put(file, new FileRead(now.sha256(), List.copyOf(documents), now.stamp()));
        }
        synchronized (this) {
            Map<Path, FileRead> tried = new HashMap<>(tentative);
            tried.putAll(reads);
            tentative = tried;
        }
        ClusterSnapshot s = base.snapshot();
        int[] found = {0};
        ClusterSnapshot next = new ClusterSnapshot(put(s.ingresses(), replaced, found),
                put(s.ingressClasses(), replaced, found), put(s.services(), replaced, found),
                put(s.endpointSlices(), replaced, found), put(s.secrets(), replaced, found),
                put(s.routes(), replaced, found), s.configMaps(), s.gatewayApi());
        if (found[0] != replaced.size()) {
            return null; // an object of a file that is not in the snapshot: cannot be, but read whole then
        }
        return new Update(base, new Manifests(next, base.fileOfObject(), List.of(), base.warnings()),
                List.copyOf(replaced), Map.copyOf(reads));
    }

    /** {@code list} with each object of {@code replaced} it holds (by identity) in place; the list itself if none. */
    @SuppressWarnings("unchecked")
    private static <T> List<T> put(List<T> list, List<Replaced> replaced, int[] found) {
        List<T> out = null;
        for (Replaced r : replaced) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) == r.before()) {
                    if (out == null) {
                        out = new ArrayList<>(list);
                    }
                    out.set(i, (T) r.after());
                    found[0]++;
                    break;
                }
            }
        }
        return out == null ? list : out;
    }

    /** Makes {@code update} the reading the next {@link #update} starts from (and its files the ones remembered). */
    synchronized void keep(Update update) {
        if (lastResult != update.base()) {
            throw new IllegalStateException("not an update of the last reading");
        }
        Map<Path, FileRead> reads = new HashMap<>(lastReads);
        reads.putAll(update.reads());
        lastReads = reads;
        lastResult = update.manifests();
        tentative = Map.of();
    }

    /** What one file held: each document's object, error or warning, in order; and its stamp when it was read. */
    private record FileRead(String sha256, List<Document> documents, FileStamp stamp) {
        FileRead stamped(FileStamp now) {
            return new FileRead(sha256, documents, now);
        }
    }

    /** One document of a file: an object ({@code value}), or a problem ({@code error} or a warning). */
    private record Document(int index, String object, HasMetadata value, String problem, boolean warning) {
    }

    private FileRead read(Path file) {
        FileRead earlier;
        FileRead tried;
        synchronized (this) {
            earlier = lastReads.get(file);
            tried = tentative.get(file);
        }
        FileStamp stamp = FileStamp.of(file);
        if (earlier != null && stamp != null && earlier.stamp() != null && earlier.stamp().unchangedAt(stamp, settled)) {
            return earlier;
        }
        byte[] content;
        try {
            filesRead.incrementAndGet();
            content = Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
            return new FileRead("", List.of(new Document(1, null, null, "cannot read: " + e.getMessage(), false)),
                    null);
        }
        String sha = sha256(content);
        if (earlier != null && earlier.sha256().equals(sha)) {
            return earlier.stamped(stamp);
        }
        if (tried != null && tried.sha256().equals(sha)) {
            return tried.stamped(stamp);
        }
        return new FileRead(sha, parse(content), stamp);
    }

    private static String sha256(byte[] content) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private List<Document> parse(byte[] content) {
        List<Document> out = new ArrayList<>();
        int document = 0;
        try (Reader reader = new java.io.InputStreamReader(new java.io.ByteArrayInputStream(content),
                java.nio.charset.StandardCharsets.UTF_8.newDecoder());
             MappingIterator<JsonNode> documents = yaml.readerFor(JsonNode.class).readValues(reader)) {
            while (true) {
                document++;
                if (!documents.hasNextValue()) {
                    break;
                }
                Document d = readDocument(document, documents.nextValue());
                if (d != null) {
                    out.add(d);
                }
            }
        } catch (JsonProcessingException e) {
            out.add(new Document(document, null, null, "invalid YAML" + location(e) + ": "
                    + firstLine(e.getOriginalMessage()), false));
        } catch (IOException | RuntimeException e) {
            out.add(new Document(Math.max(document, 1), null, null, "cannot read: " + e.getMessage(), false));
        }
        return List.copyOf(out);
    }

    private static Document error(int document, String object, String problem) {
        return new Document(document, object, null, problem, false);
    }

    /** What document number {@code document} holds; null for an empty one. */
    private Document readDocument(int document, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (!node.isObject()) {
            return error(document, null, "not a Kubernetes object (expected a mapping)");
        }
        String kindName = node.path("kind").asText("");
        String name = node.path("metadata").path("name").asText("");
        if (kindName.isEmpty()) {
            return error(document, null, "kind is missing");
        }
        Kind kind = KINDS.get(kindName);
        if (kind == null) {
            return new Document(document, name.isEmpty() ? kindName : kindName + "/" + name, null,
                    "kind " + kindName + " is not read in local mode; ignored", true);
        }
        if (name.isEmpty()) {
            return error(document, null, kindName + " has no metadata.name");
        }
        String namespace = node.path("metadata").path("namespace").asText("");
        if (kind.namespaced() && namespace.isEmpty()) {
            namespace = DEFAULT_NAMESPACE;
            ((ObjectNode) node.get("metadata")).put("namespace", namespace);
        }
        String object = kind.namespaced() ? kindName + "/" + namespace + "/" + name : kindName + "/" + name;
        String apiVersion = node.path("apiVersion").asText("");
        if (!kind.apiVersion().equals(apiVersion)) {
            return error(document, object, "apiVersion \"" + apiVersion + "\" is not supported for " + kindName
                    + " (expected: " + kind.apiVersion() + ")");
        }
        try {
            HasMetadata value = (kind.type() == Route.class ? strictJson : json).treeToValue(node, kind.type());
            return new Document(document, object, value, null, false);
        } catch (JsonProcessingException e) {
            return error(document, object, "does not match the " + kindName + " schema" + fieldOf(e) + ": "
                    + firstLine(e.getOriginalMessage()));
        }
    }

    private static List<Path> manifestFiles(Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.{yaml,yml}")) {
            for (Path file : stream) {
                if (Files.isRegularFile(file)) {
                    files.add(file);
                }
            }
        }
        files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return files;
    }

    /** A kind we read: its model class, the one apiVersion accepted, and whether it lives in a namespace. */
    private record Kind(Class<? extends HasMetadata> type, String apiVersion, boolean namespaced) {
    }

    /** The state of one {@link #load}. */
    private final class Run {
        private final List<Ingress> ingresses = new ArrayList<>();
        private final List<IngressClass> ingressClasses = new ArrayList<>();
        private final List<Service> services = new ArrayList<>();
        private final List<EndpointSlice> endpointSlices = new ArrayList<>();
        private final List<Secret> secrets = new ArrayList<>();
        private final List<Route> routes = new ArrayList<>();
        private final List<ConfigMap> configMaps = new ArrayList<>();
        private final List<GatewayClass> gatewayClasses = new ArrayList<>();
        private final List<Gateway> gateways = new ArrayList<>();
        private final List<HTTPRoute> httpRoutes = new ArrayList<>();
        private final List<GRPCRoute> grpcRoutes = new ArrayList<>();
        private final List<TlsRoute> tlsRoutes = new ArrayList<>();
        private final List<TcpRoute> tcpRoutes = new ArrayList<>();
        private final List<UdpRoute> udpRoutes = new ArrayList<>();
        private final List<ReferenceGrant> referenceGrants = new ArrayList<>();
        private final List<BackendTLSPolicy> backendTlsPolicies = new ArrayList<>();
        private final List<Namespace> namespaces = new ArrayList<>();
        private final Map<String, Path> fileOfObject = new HashMap<>();
        private final List<ManifestError> errors = new ArrayList<>();
        private final List<ManifestError> warnings = new ArrayList<>();

        void take(Path file, Document d) {
            if (d.problem() != null) {
                (d.warning() ? warnings : errors).add(new ManifestError(file, d.index(), d.object(), d.problem()));
                return;
            }
            Path earlier = fileOfObject.putIfAbsent(d.object(), file);
            if (earlier != null) {
                errors.add(new ManifestError(file, d.index(), d.object(), d.object() + " is defined twice, in "
                        + earlier + " and in " + file + "; the first one is used"));
                return;
            }
            keep(d.value());
        }

        private void keep(HasMetadata value) {
            if (value instanceof Ingress ingress) {
                ingresses.add(ingress);
            } else if (value instanceof IngressClass ingressClass) {
                ingressClasses.add(ingressClass);
            } else if (value instanceof Service service) {
                services.add(service);
            } else if (value instanceof EndpointSlice slice) {
                endpointSlices.add(slice);
            } else if (value instanceof Secret secret) {
                secrets.add(secret);
            } else if (value instanceof Route route) {
                routes.add(route);
            } else if (value instanceof ConfigMap configMap) {
                configMaps.add(configMap);
            } else if (value instanceof GatewayClass gatewayClass) {
                gatewayClasses.add(gatewayClass);
            } else if (value instanceof Gateway gateway) {
                gateways.add(gateway);
            } else if (value instanceof HTTPRoute httpRoute) {
                httpRoutes.add(httpRoute);
            } else if (value instanceof GRPCRoute grpcRoute) {
                grpcRoutes.add(grpcRoute);
            } else if (value instanceof TlsRoute r) {
                tlsRoutes.add(r);
            } else if (value instanceof TcpRoute r) {
                tcpRoutes.add(r);
            } else if (value instanceof UdpRoute r) {
                udpRoutes.add(r);
            } else if (value instanceof BackendTLSPolicy policy) {
                backendTlsPolicies.add(policy);
            } else if (value instanceof ReferenceGrant grant) {
                referenceGrants.add(grant);
            } else if (value instanceof Namespace namespace) {
                namespaces.add(namespace);
            }
        }

        Manifests result() {
            ClusterSnapshot snapshot = new ClusterSnapshot(ingresses, ingressClasses, services, endpointSlices,
                    secrets, routes, configMaps, new GatewayApiObjects(gatewayClasses, gateways, httpRoutes,
                    referenceGrants, namespaces, grpcRoutes, tlsRoutes, tcpRoutes, udpRoutes, backendTlsPolicies,
                    configMaps));
            return new Manifests(snapshot, fileOfObject, errors, warnings);
        }
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
                : " at line " + e.getLocation().getLineNr();
    }

    private static String fieldOf(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return "";
        }
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference ref : mapping.getPath()) {
            if (ref.getFieldName() != null) {
                field.append(field.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                field.append('[').append(ref.getIndex()).append(']');
            }
        }
        return " at " + field;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown problem";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
