package io.shoal.deploy;

import static io.shoal.deploy.KubernetesManifests.ofKind;
import static io.shoal.deploy.KubernetesManifests.single;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;

import io.kubernetes.client.openapi.models.V1Deployment;
import io.shoal.deploy.KubernetesManifests.Manifest;

/** The hand-applied manifests in k8s/: valid objects, production-ready, and in step with the chart. */
class PlainManifestsTest {

    private static final Path K8S = Path.of("k8s").toAbsolutePath();

    @Test
    void everyManifestIsAValidKubernetesObject() {
        List<Manifest> manifests = KubernetesManifests.parseAndValidate(K8S);

        assertThat(manifests).extracting(m -> m.kind() + "/" + m.name()).containsExactlyInAnyOrder(
                "ConfigMap/shoal",
                "Deployment/shoal-ingest", "Service/shoal-ingest", "HorizontalPodAutoscaler/shoal-ingest",
                "PodDisruptionBudget/shoal-ingest",
                "Deployment/shoal-worker", "Service/shoal-worker", "PodDisruptionBudget/shoal-worker",
                "HorizontalPodAutoscaler/shoal-worker", "ScaledObject/shoal-worker",
                "NetworkPolicy/shoal-ingest", "NetworkPolicy/shoal-worker");
        assertThat(ofKind(manifests, "Secret")).as("credentials stay out of the repository").isEmpty();
    }

    @Test
    void deploymentsHaveProbesResourcesAndHardenedSecurityContext() {
        for (Manifest deployment : ofKind(KubernetesManifests.parseAndValidate(K8S), "Deployment")) {
            DeploymentChecks.assertProductionReady(deployment.as(V1Deployment.class));
        }
    }

    @Test
    void workerRequestsAGpuAndKedaWatchesItsConsumerGroup() {
        List<Manifest> manifests = KubernetesManifests.parseAndValidate(K8S);
        V1Deployment worker = single(manifests, "Deployment", "shoal-worker").as(V1Deployment.class);
        Map<String, Object> scaledObject = single(manifests, "ScaledObject", "shoal-worker").raw();

        assertThat(DeploymentChecks.gpuLimit(worker)).isNotNull();
        assertThat(scaledObject.toString())
                .contains("name=shoal-worker")
                .contains("consumerGroup=" + DeploymentChecks.env(worker, "SHOAL_KAFKA_CONSUMER_GROUP"))
                .contains("topic=" + DeploymentChecks.env(worker, "SHOAL_KAFKA_TOPIC"));
    }

    /**
     * k8s/ is the chart rendered with default values (release "shoal", no ServiceAccount), without Helm's own
     * labels: a change to one without the other fails here, naming the object whose spec or data drifted.
     */
    @Test
    void plainManifestsMatchTheChartsDefaultRender() {
        Map<String, Object> plain = bodies(KubernetesManifests.parseAndValidate(K8S));
        Map<String, Object> chart = bodies(render(false));
        chart.put("ScaledObject/shoal-worker", bodies(render(true)).get("ScaledObject/shoal-worker"));

        assertThat(plain.keySet()).containsExactlyInAnyOrderElementsOf(chart.keySet());
        for (String object : chart.keySet()) {
            assertThat(plain.get(object)).as("%s in k8s/ versus the chart", object).isEqualTo(chart.get(object));
        }
    }

    private static List<Manifest> render(boolean keda) {
        String yaml = new Helm(Path.of("helm", "shoal").toAbsolutePath()).template()
                .withName("shoal").withKubeVersion("1.25.0")
                .set("serviceAccount.create", false)
                .set("worker.autoscaling.keda.enabled", keda)
                .call();
        return KubernetesManifests.parseAndValidate(yaml);
    }

    /** kind/name to the object without metadata; pod template annotations dropped (the chart adds a checksum). */
    private static Map<String, Object> bodies(List<Manifest> manifests) {
        return manifests.stream().collect(Collectors.toMap(m -> m.kind() + "/" + m.name(), m -> {
            Map<String, Object> body = new java.util.TreeMap<>(m.raw());
            body.remove("metadata");
            if (m.kind().equals("Deployment")) {
                Map<String, Object> spec = KubernetesManifests.asMap(body.get("spec"), "spec");
                Map<String, Object> template = KubernetesManifests.asMap(spec.get("template"), "template");
                return Map.of("spec", Map.of("selector", spec.get("selector"),
                        "replicas", String.valueOf(spec.get("replicas")),
                        "podSpec", template.get("spec")));
            }
            return (Object) body;
        }, (a, b) -> a, java.util.TreeMap::new));
    }
}
