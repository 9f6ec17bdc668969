package dev.breakwater.operator.status;

import dev.breakwater.operator.diagnostic.Diagnostic;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an Ingress's or a Route's diagnostics into Kubernetes Events of type {@code Warning} (shown by
 * {@code kubectl describe ingress} / {@code route}): reason from {@link EventReasons}, message naming the field and
 * the reason. Each diagnostic is written once while it lasts (this process remembers what it wrote per object);
 * one that goes away and comes back is written again. Event names are derived from the object and the diagnostic,
 * so a repeat (after a restart or a change of leader) raises the existing Event's {@code count}.
 */
public final class DiagnosticEvents {

    private static final Logger LOG = LoggerFactory.getLogger(DiagnosticEvents.class);
    static final String COMPONENT = "breakwater-operator";

    private final KubernetesClient client;
    private final String instance;
    private final Clock clock;
    private final Map<String, Set<Diagnostic>> written = new ConcurrentHashMap<>();

    /** @param instance this replica's name (its pod name), recorded as the Event's reporting instance */
    public DiagnosticEvents(KubernetesClient client, String instance, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.instance = Objects.requireNonNull(instance, "instance");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Writes an Event for each of {@code diagnostics} not written for this object (Ingress, Route) before. */
    public void emit(HasMetadata object, List<Diagnostic> diagnostics) {
        String uid = object.getMetadata().getUid();
        Set<Diagnostic> before = written.getOrDefault(uid, Set.of());
        Set<Diagnostic> done = ConcurrentHashMap.newKeySet();
        for (Diagnostic d : diagnostics) {
            if (before.contains(d) || write(object, d)) {
                done.add(d);
            }
        }
        if (done.isEmpty()) {
            written.remove(uid);
        } else {
            written.put(uid, done);
        }
    }

    /** The object is gone: forget what was written for it. */
    public void forget(String uid) {
        if (uid != null) {
            written.remove(uid);
        }
    }

    /** Forget everything (a new term of leadership writes each diagnostic once more). */
    public void reset() {
        written.clear();
    }

    private boolean write(HasMetadata object, Diagnostic d) {
        String namespace = object.getMetadata().getNamespace();
        String name = eventName(object, d);
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        Event event = new Event();
        ObjectMeta meta = new ObjectMeta();
        meta.setName(name);
        meta.setNamespace(namespace);
        event.setMetadata(meta);
        ObjectReference ref = new ObjectReference();
        ref.setApiVersion(object.getApiVersion() != null ? object.getApiVersion()
                : HasMetadata.getApiVersion(object.getClass()));
        ref.setKind(object.getKind() != null ? object.getKind() : HasMetadata.getKind(object.getClass()));
        ref.setName(object.getMetadata().getName());
        ref.setNamespace(namespace);
        ref.setUid(object.getMetadata().getUid());
        ref.setResourceVersion(object.getMetadata().getResourceVersion());
        event.setInvolvedObject(ref);
        event.setType("Warning");
        event.setReason(EventReasons.of(d));
        event.setMessage(EventReasons.message(d));
        event.setSource(new EventSource(COMPONENT, null));
        event.setReportingComponent("breakwater.dev/operator");
        event.setReportingInstance(instance);
        event.setFirstTimestamp(now);
        event.setLastTimestamp(now);
        event.setCount(1);
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                LOG.warn("cannot write Event {}/{} ({}): {}", namespace, name, d, e.getMessage());
                return false;
            }
        }
        try {
            client.v1().events().inNamespace(namespace).withName(name).edit(existing -> {
                existing.setCount(existing.getCount() == null ? 2 : existing.getCount() + 1);
                existing.setLastTimestamp(now);
                return existing;
            });
            return true;
        } catch (KubernetesClientException e) {
            LOG.warn("cannot update Event {}/{} ({}): {}", namespace, name, d, e.getMessage());
            return false;
        }
    }

    /** {@code <object name>.<16 hex digits of the object's uid and the diagnostic>}. */
    static String eventName(HasMetadata object, Diagnostic d) {
        String name = object.getMetadata().getName();
        if (name.length() > 200) {
            name = name.substring(0, 200);
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String key = object.getMetadata().getUid() + "\n" + d.severity() + "\n" + d.field() + "\n" + d.reason();
            return name + "." + HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8)), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
