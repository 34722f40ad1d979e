package io.shoal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;

/**
 * Parses rendered or hand-written manifests and checks each document against the Kubernetes API models.
 *
 * <p>The typed models come from the OpenAPI spec of the Kubernetes API; their Gson adapters reject fields the spec
 * does not define and missing required fields, which is what {@code kubectl apply --validate=strict} would catch.
 * KEDA's custom resources have no such model, so their required fields are checked by hand.
 */
final class KubernetesManifests {

    /** A document whose kind and apiVersion were recognised and whose content passed validation. */
    record Manifest(String apiVersion, String kind, String name, Map<String, Object> raw, Object typed) {

        <T> T as(Class<T> type) {
            return type.cast(typed);
        }
    }

    private static final Map<String, Class<?>> CORE_KINDS = Map.of(
            "apps/v1/Deployment", V1Deployment.class,
            "v1/Service", V1Service.class,
            "v1/ConfigMap", V1ConfigMap.class,
            "v1/ServiceAccount", V1ServiceAccount.class,
            "autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler.class,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class,
            "networking.k8s.io/v1/NetworkPolicy", io.kubernetes.client.openapi.models.V1NetworkPolicy.class,
            "networking.k8s.io/v1/Ingress", io.kubernetes.client.openapi.models.V1Ingress.class);

    private KubernetesManifests() {
    }

    /** Every non-empty document of a multi-document YAML stream, validated. */
    static List<Manifest> parseAndValidate(String yaml) {
        List<Manifest> manifests = new ArrayList<>();
        for (Object document : new Yaml(new LoaderOptions()).loadAll(yaml)) {
            if (document != null) {
                manifests.add(validate(asMap(document, "document")));
            }
        }
        return manifests;
    }

    /** Every document of every *.yaml file under a folder, validated. */
    static List<Manifest> parseAndValidate(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            List<Manifest> manifests = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try {
                    manifests.addAll(parseAndValidate(Files.readString(file)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
                }
            }
            return manifests;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Manifest validate(Map<String, Object> document) {
        String apiVersion = requireString(document, "apiVersion", "document");
        String kind = requireString(document, "kind", "document");
        String name = requireString(asMap(document.get("metadata"), kind + ".metadata"), "name", kind + ".metadata");
        String key = apiVersion + "/" + kind;
        Class<?> model = CORE_KINDS.get(key);
        Object typed;
        if (model != null) {
            String json = JSON.getGson().toJson(document);
            try {
                typed = JSON.deserialize(json, model);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(kind + " " + name + " is not a valid " + model.getSimpleName()
                        + ": " + firstLine(e), e);
            }
        } else if (key.equals("keda.sh/v1alpha1/ScaledObject")) {
            validateScaledObject(document, name);
            typed = document;
        } else if (key.equals("monitoring.coreos.com/v1/PrometheusRule")) {
            validatePrometheusRule(document, name);
            typed = document;
        } else if (key.equals("keda.sh/v1alpha1/TriggerAuthentication")) {
            validateTriggerAuthentication(document, name);
            typed = document;
        } else {
            throw new IllegalArgumentException("unexpected kind " + key + " (" + name + "): add it to the validator");
        }
        return new Manifest(apiVersion, kind, name, document, typed);
    }

    /** The fields KEDA's admission webhook and its Kafka scaler need, per the ScaledObject CRD (keda.sh/v1alpha1). */
    private static void validateScaledObject(Map<String, Object> document, String name) {
        String where = "ScaledObject " + name;
        Map<String, Object> spec = asMap(document.get("spec"), where + ".spec");
        Map<String, Object> target = asMap(spec.get("scaleTargetRef"), where + ".spec.scaleTargetRef");
        requireString(target, "name", where + ".spec.scaleTargetRef");
        int min = optionalInt(spec, "minReplicaCount", 0, where);
        int max = optionalInt(spec, "maxReplicaCount", 100, where);
        if (min < 0 || max < 1 || min > max) {
            throw new IllegalArgumentException(where + ": need 0 <= minReplicaCount <= maxReplicaCount, 1 <= max,"
                    + " but min was " + min + " and max " + max);
        }
        Object triggers = spec.get("triggers");
        if (!(triggers instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException(where + ".spec.triggers must be a non-empty list but was " + triggers);
        }
        for (Object item : list) {
            Map<String, Object> trigger = asMap(item, where + ".spec.triggers[]");
            String type = requireString(trigger, "type", where + ".spec.triggers[]");
            Map<String, Object> metadata = asMap(trigger.get("metadata"), where + ".spec.triggers[].metadata");
            if (type.equals("kafka")) {
                for (String field : List.of("bootstrapServers", "consumerGroup", "topic", "lagThreshold")) {
                    requireString(metadata, field, where + " kafka trigger metadata");
                }
                String lag = (String) metadata.get("lagThreshold");
                if (!lag.matches("[1-9][0-9]*")) {
                    throw new IllegalArgumentException(where + ": lagThreshold must be a positive integer string"
                            + " but was " + lag);
                }
            }
        }
    }

    /** The PrometheusRule CRD's shape: groups with a name and rules, each an alert or a record with an expr. */
    private static void validatePrometheusRule(Map<String, Object> document, String name) {
        String where = "PrometheusRule " + name;
        Object groups = asMap(document.get("spec"), where + ".spec").get("groups");
        if (!(groups instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException(where + ".spec.groups must be a non-empty list");
        }
        for (Object g : list) {
            Map<String, Object> group = asMap(g, where + ".spec.groups[]");
            requireString(group, "name", where + ".spec.groups[]");
            if (!(group.get("rules") instanceof List<?> rules) || rules.isEmpty()) {
                throw new IllegalArgumentException(where + ": group " + group.get("name") + " has no rules");
            }
            for (Object r : rules) {
                Map<String, Object> rule = asMap(r, where + " rule");
                requireString(rule, "expr", where + " rule");
                if (rule.containsKey("alert") == rule.containsKey("record")) {
                    throw new IllegalArgumentException(where + ": a rule is either an alert or a record: " + rule);
                }
            }
        }
    }

    private static void validateTriggerAuthentication(Map<String, Object> document, String name) {
        String where = "TriggerAuthentication " + name;
        Map<String, Object> spec = asMap(document.get("spec"), where + ".spec");
        Object refs = spec.get("secretTargetRef");
        if (!(refs instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException(where + ".spec.secretTargetRef must be a non-empty list");
        }
        for (Object ref : list) {
            Map<String, Object> entry = asMap(ref, where + ".spec.secretTargetRef[]");
            for (String field : List.of("parameter", "name", "key")) {
                requireString(entry, field, where + ".spec.secretTargetRef[]");
            }
        }
    }

    static List<Manifest> ofKind(List<Manifest> manifests, String kind) {
        return manifests.stream().filter(m -> m.kind().equals(kind)).toList();
    }

    static Manifest single(List<Manifest> manifests, String kind, String nameSuffix) {
        List<Manifest> found = manifests.stream()
                .filter(m -> m.kind().equals(kind) && m.name().endsWith(nameSuffix)).toList();
        assertThat(found).as("%s named *%s", kind, nameSuffix).hasSize(1);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value, String where) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + " must be a mapping but was " + value);
        }
        return (Map<String, Object>) map;
    }

    private static String requireString(Map<String, Object> map, String field, String where) {
        Object value = map.get(field);
        if (!(value instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException(where + "." + field + " must be a non-empty string but was " + value);
        }
        return text;
    }

    private static int optionalInt(Map<String, Object> map, String field, int fallback, String where) {
        Object value = map.getOrDefault(field, fallback);
        if (!(value instanceof Integer number)) {
            throw new IllegalArgumentException(where + "." + field + " must be an integer but was " + value);
        }
        return number;
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int json = message.indexOf(" JSON: ");
        return json > 0 ? message.substring(0, json) : message;
    }
}
