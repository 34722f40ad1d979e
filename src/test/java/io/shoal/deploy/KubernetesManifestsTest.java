package io.shoal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The validator itself: a check that accepted everything would let every other deploy test pass vacuously. */
class KubernetesManifestsTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: probe
            spec:
              selector:
                matchLabels: {app: probe}
              template:
                metadata:
                  labels: {app: probe}
                spec:
                  containers:
                    - name: app
                      image: example/app:1
                      %s
            """;

    @Test
    void acceptsAWellFormedDeployment() {
        assertThat(KubernetesManifests.parseAndValidate(DEPLOYMENT.formatted("imagePullPolicy: Always")))
                .singleElement().extracting(KubernetesManifests.Manifest::name).isEqualTo("probe");
    }

    @Test
    void rejectsAMisspelledFieldDeepInThePodSpec() {
        assertThatThrownBy(() -> KubernetesManifests.parseAndValidate(
                DEPLOYMENT.formatted("livenesProbe: {httpGet: {path: /q/health/live, port: 8080}}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Deployment probe")
                .hasMessageContaining("livenesProbe");
    }

    @Test
    void rejectsAMissingRequiredField() {
        String withoutName = DEPLOYMENT.formatted("").replace("- name: app\n", "- ");

        assertThatThrownBy(() -> KubernetesManifests.parseAndValidate(withoutName))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("required field `name`");
    }

    @Test
    void rejectsAKafkaScaledObjectWithoutLagThreshold() {
        String scaledObject = """
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: workers}
                spec:
                  scaleTargetRef: {name: workers}
                  triggers:
                    - type: kafka
                      metadata: {bootstrapServers: "k:9092", consumerGroup: g, topic: t}
                """;

        assertThatThrownBy(() -> KubernetesManifests.parseAndValidate(scaledObject))
                .hasMessageContaining("lagThreshold");
    }

    @Test
    void rejectsAKindItDoesNotKnow() {
        assertThatThrownBy(() -> KubernetesManifests.parseAndValidate("""
                apiVersion: extensions/v1beta1
                kind: Ingress
                metadata: {name: old}
                """)).hasMessageContaining("unexpected kind extensions/v1beta1/Ingress");
    }
}
