package dev.breakwater.operator.compile;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which Ingresses belong to us, following the Ingress v1 class rules: the class named by
 * {@code spec.ingressClassName}; without it, the deprecated {@code kubernetes.io/ingress.class} annotation;
 * without either, the IngressClass marked {@code ingressclass.kubernetes.io/is-default-class: "true"}.
 *
 * <p>Our classes are the IngressClasses of our controller, and the names {@link CompilerOptions#alsoServedClasses()}
 * claims (such as {@code nginx}) whatever controller their IngressClass names, or if none exists.
 */
public final class IngressClassFilter {

    static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";
    static final String DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

    private final Set<String> ourClasses = new HashSet<>();
    private final Set<String> claimedClasses;
    private final boolean oursIsDefault;

    public IngressClassFilter(List<IngressClass> classes, CompilerOptions options) {
        claimedClasses = options.alsoServedClasses();
        boolean isDefault = false;
        for (IngressClass ingressClass : classes) {
            if (ingressClass.getMetadata() == null) {
                continue;
            }
            boolean claimed = claimedClasses.contains(ingressClass.getMetadata().getName());
            boolean ours = ingressClass.getSpec() != null
                    && options.controllerName().equals(ingressClass.getSpec().getController());
            if (!ours && !claimed) {
                continue;
            }
            if (ours) {
                ourClasses.add(ingressClass.getMetadata().getName());
            }
            Map<String, String> annotations = ingressClass.getMetadata().getAnnotations();
            if (annotations != null && "true".equals(annotations.get(DEFAULT_CLASS_ANNOTATION))) {
                isDefault = true;
            }
        }
        if (ourClasses.isEmpty() && options.implicitDefaultClass()) {
            ourClasses.add(CompilerOptions.IMPLICIT_CLASS_NAME);
            isDefault = true;
        }
        this.oursIsDefault = isDefault;
    }

    /** True when {@code ingress} belongs to one of our IngressClasses (the compiler serves it). */
    public boolean isOurs(Ingress ingress) {
        String className = ingress.getSpec() == null ? null : ingress.getSpec().getIngressClassName();
        if (className != null) {
            return ourClasses.contains(className) || claimedClasses.contains(className);
        }
        Map<String, String> annotations = ingress.getMetadata().getAnnotations();
        String annotated = annotations == null ? null : annotations.get(CLASS_ANNOTATION);
        if (annotated != null) {
            return ourClasses.contains(annotated) || claimedClasses.contains(annotated);
        }
        return oursIsDefault;
    }
}
