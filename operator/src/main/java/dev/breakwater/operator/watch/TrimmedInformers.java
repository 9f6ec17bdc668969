package dev.breakwater.operator.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * One kind whose cache holds trimmed copies ({@link CacheTrim}), watched in every namespace or in each of a list of
 * namespaces, each namespace by an informer with a store of its own.
 *
 * <p>Why not one event source over the namespaces: JOSDK gives each namespace's informer of an event source the one
 * configured {@code ItemStore}, and a fabric8 informer's (re)list drops from its store every key its own list lacks,
 * so with a shared store the second namespace to list deletes the first one's objects from the cache (TLS Secrets,
 * header ConfigMaps of the other namespaces gone until they next change);
 * {@code MultiNamespaceCachesAgainstApiServerTest} shows it.
 */
final class TrimmedInformers<R extends HasMetadata> {

    private final Map<String, WatchedInformer<R>> byNamespace = new LinkedHashMap<>();
    private final WatchedInformer<R> all;

    /**
     * @param name       the event sources' name; a namespace's informer is {@code name-namespace}
     * @param namespaces the namespaces, or empty for every namespace (one informer)
     * @param kind       a fresh configuration builder of the kind with what every informer shares (selectors)
     * @param trim       what the cache keeps of each object
     */
    TrimmedInformers(String name, Set<String> namespaces,
                     Supplier<InformerEventSourceConfiguration.Builder<R>> kind, UnaryOperator<R> trim,
                     EventSourceContext<Ingress> context, WatchedInformer.Listener<R> listener) {
        if (namespaces.isEmpty()) {
            all = new WatchedInformer<>(kind.get().withName(name).withSecondaryToPrimaryMapper(r -> Set.of())
                    .withWatchAllNamespaces().withItemStore(new TransformingItemStore<>(trim)).build(),
                    context, listener);
            return;
        }
        all = null;
        for (String namespace : new TreeSet<>(namespaces)) {
            byNamespace.put(namespace, new WatchedInformer<>(kind.get().withName(name + "-" + namespace)
                    .withSecondaryToPrimaryMapper(r -> Set.of()).withNamespaces(namespace)
                    .withItemStore(new TransformingItemStore<>(trim)).build(), context, listener));
        }
    }

    /** The event sources to register. */
    List<WatchedInformer<R>> sources() {
        return all != null ? List.of(all) : List.copyOf(byNamespace.values());
    }

    /** The cached objects that pass {@code filter}, across the namespaces. */
    Stream<R> list(Predicate<R> filter) {
        if (all != null) {
            return all.list(filter);
        }
        List<R> out = new ArrayList<>();
        for (WatchedInformer<R> informer : byNamespace.values()) {
            informer.list(filter).forEach(out::add);
        }
        return out.stream();
    }

    /** The cached object, or empty when it does not exist or its namespace is not watched. */
    Optional<R> get(ResourceID id) {
        if (all != null) {
            return all.get(id);
        }
        WatchedInformer<R> informer = byNamespace.get(id.getNamespace().orElse(""));
        return informer == null ? Optional.empty() : informer.get(id);
    }
}
