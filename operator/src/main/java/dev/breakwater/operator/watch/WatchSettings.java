package dev.breakwater.operator.watch;

import dev.breakwater.operator.status.AddressSource;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What the watch looks at.
 *
 * @param namespaces         namespaces whose Ingresses, Services, EndpointSlices and Secrets are watched; empty
 *                           for all
 * @param ingressClassNames  the IngressClasses (of our controller) to serve; empty for every class whose
 *                           {@code spec.controller} is ours
 * @param addressSource      where Ingress status addresses come from
 * @param fieldManager       the server-side-apply field manager of status writes
 * @param cacheSyncTimeout   how long the informers may take to list everything at start
 * @param exitOnInformerLoss stop the process (exit 1) when an informer fails for good after it synced, as JOSDK
 *                           does by default; off in tests, which run several operators in one JVM
 * @param configMaps         ConfigMaps watched by name ({@code namespace/name}: ingress-nginx's TCP and UDP services),
 *                           whatever {@code namespaces} says; empty for none
 */
public record WatchSettings(Set<String> namespaces, Set<String> ingressClassNames, AddressSource addressSource,
                            String fieldManager, Duration cacheSyncTimeout, boolean exitOnInformerLoss,
                            Set<String> configMaps) {

    public WatchSettings {
        namespaces = Set.copyOf(namespaces);
        ingressClassNames = Set.copyOf(ingressClassNames);
        Objects.requireNonNull(addressSource, "addressSource");
        Objects.requireNonNull(fieldManager, "fieldManager");
        Objects.requireNonNull(cacheSyncTimeout, "cacheSyncTimeout");
        configMaps = Set.copyOf(configMaps);
    }

    /** Without ConfigMaps. */
    public WatchSettings(Set<String> namespaces, Set<String> ingressClassNames, AddressSource addressSource,
                         String fieldManager, Duration cacheSyncTimeout, boolean exitOnInformerLoss) {
        this(namespaces, ingressClassNames, addressSource, fieldManager, cacheSyncTimeout, exitOnInformerLoss,
                Set.of());
    }

    public WatchSettings withConfigMaps(Set<String> value) {
        return new WatchSettings(namespaces, ingressClassNames, addressSource, fieldManager, cacheSyncTimeout,
                exitOnInformerLoss, value);
    }

    /** All namespaces, every class of ours, no status address, field manager {@code breakwater}. */
    public static WatchSettings defaults() {
        return new WatchSettings(Set.of(), Set.of(), AddressSource.none(), "breakwater", Duration.ofMinutes(2), true);
    }

    public WatchSettings withNamespaces(Set<String> value) {
        return new WatchSettings(value, ingressClassNames, addressSource, fieldManager, cacheSyncTimeout,
                exitOnInformerLoss, configMaps);
    }

    public WatchSettings withIngressClassNames(Set<String> value) {
        return new WatchSettings(namespaces, value, addressSource, fieldManager, cacheSyncTimeout, exitOnInformerLoss,
                configMaps);
    }

    public WatchSettings withAddressSource(AddressSource value) {
        return new WatchSettings(namespaces, ingressClassNames, value, fieldManager, cacheSyncTimeout,
                exitOnInformerLoss, configMaps);
    }

    public WatchSettings withExitOnInformerLoss(boolean value) {
        return new WatchSettings(namespaces, ingressClassNames, addressSource, fieldManager, cacheSyncTimeout, value,
                configMaps);
    }
}
