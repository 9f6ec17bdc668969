package dev.breakwater.operator.status;

import dev.breakwater.operator.compile.Compilation;
import dev.breakwater.operator.compile.L4Sources;
import dev.breakwater.operator.diagnostic.Diagnostic;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The diagnostics of ingress-nginx's ConfigMaps (the TCP and UDP services ones, {@link L4Sources}; the controller
 * ConfigMap, {@code --configmap}) as Warning Events on the
 * ConfigMap (shown by {@code kubectl describe configmap}), each naming the key ({@code data['5432']}) and the reason;
 * written by the leader, off the compiling thread. A ConfigMap that does not exist has nothing to hang an Event
 * on: that is logged (once while it lasts).
 */
public final class ConfigMapEvents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigMapEvents.class);

    private final DiagnosticEvents events;
    private final List<String> refs;
    private final BiFunction<String, String, ConfigMap> lookup;
    private final BooleanSupplier leader;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "breakwater-configmap-events");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> missingLogged = new HashSet<>();

    /**
     * @param refs   the ConfigMaps read, as namespace/name
     * @param lookup the watched ConfigMap of a namespace and name, or null
     */
    public ConfigMapEvents(DiagnosticEvents events, List<String> refs, BiFunction<String, String, ConfigMap> lookup,
                           BooleanSupplier leader) {
        this.events = Objects.requireNonNull(events, "events");
        this.refs = List.copyOf(refs);
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.leader = Objects.requireNonNull(leader, "leader");
    }

    /** After each compilation: write the Events of the named ConfigMaps' new diagnostics. */
    public void compiled(Compilation compilation) {
        if (refs.isEmpty()) {
            return;
        }
        List<Diagnostic> diagnostics = compilation.diagnostics();
        writer.execute(() -> {
            if (!leader.getAsBoolean()) {
                return;
            }
            for (String ref : refs) {
                List<Diagnostic> own = diagnostics.stream().filter(d -> d.object().equals("ConfigMap/" + ref))
                        .toList();
                int slash = ref.indexOf('/');
                ConfigMap map = lookup.apply(ref.substring(0, slash), ref.substring(slash + 1));
                if (map == null) {
                    if (missingLogged.add(ref)) {
                        own.forEach(d -> LOG.warn("{}", d));
                    }
                    continue;
                }
                missingLogged.remove(ref);
                events.emit(map, own);
            }
        });
    }

    @Override
    public void close() {
        writer.shutdownNow();
    }
}
