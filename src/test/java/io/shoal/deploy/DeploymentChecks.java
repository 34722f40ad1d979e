package io.shoal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;

/** What every Shoal Deployment must carry, whether rendered by the chart or written in k8s/. */
final class DeploymentChecks {

    private DeploymentChecks() {
    }

    static void assertProductionReady(V1Deployment deployment) {
        String name = deployment.getMetadata().getName();
        V1PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext()).as("%s pod securityContext", name).isNotNull();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).as("%s runAsNonRoot", name).isTrue();
        assertThat(pod.getContainers()).as("%s containers", name).isNotEmpty();
        for (V1Container container : pod.getContainers()) {
            String where = name + "/" + container.getName();
            assertThat(container.getPorts()).as("%s ports", where)
                    .anySatisfy(p -> {
                        assertThat(p.getName()).isEqualTo("management");
                        assertThat(p.getContainerPort()).isEqualTo(9000);
                    });
            assertThat(container.getEnv()).as("%s env", where).anySatisfy(e -> {
                assertThat(e.getName()).isEqualTo("SHOAL_AUTH_API_KEYS");
                assertThat(e.getValueFrom().getSecretKeyRef()).as("API keys come from a Secret").isNotNull();
            });
            assertHealthProbe(container.getStartupProbe(), "/q/health/started", where + " startupProbe");
            assertHealthProbe(container.getLivenessProbe(), "/q/health/live", where + " livenessProbe");
            assertHealthProbe(container.getReadinessProbe(), "/q/health/ready", where + " readinessProbe");

            assertThat(container.getResources()).as("%s resources", where).isNotNull();
            assertThat(container.getResources().getRequests()).as("%s requests", where)
                    .containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits()).as("%s limits", where).containsKey("memory");

            assertThat(container.getSecurityContext()).as("%s securityContext", where).isNotNull();
            assertThat(container.getSecurityContext().getReadOnlyRootFilesystem())
                    .as("%s readOnlyRootFilesystem", where).isTrue();
            assertThat(container.getSecurityContext().getAllowPrivilegeEscalation())
                    .as("%s allowPrivilegeEscalation", where).isFalse();
            assertThat(container.getSecurityContext().getCapabilities().getDrop()).as("%s dropped capabilities", where)
                    .contains("ALL");
            assertWritableEmptyDir(pod, container, "/tmp", where);
        }
    }

    /** The worker's model cache must be writable although the root filesystem is not. */
    static void assertWritableEmptyDir(V1PodSpec pod, V1Container container, String path, String where) {
        V1VolumeMount mount = container.getVolumeMounts() == null ? null
                : container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
                        .orElse(null);
        assertThat(mount).as("%s mounts a volume at %s", where, path).isNotNull();
        List<V1Volume> volumes = pod.getVolumes();
        V1Volume volume = volumes.stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        assertThat(volume.getEmptyDir()).as("%s volume %s is an emptyDir", where, volume.getName()).isNotNull();
    }

    static Quantity gpuLimit(V1Deployment deployment) {
        V1Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        return container.getResources().getLimits().get("nvidia.com/gpu");
    }

    static String env(V1Deployment deployment, String variable) {
        V1Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        return container.getEnv().stream().filter(e -> e.getName().equals(variable)).findFirst()
                .map(e -> e.getValue()).orElse(null);
    }

    private static void assertHealthProbe(V1Probe probe, String path, String where) {
        assertThat(probe).as(where).isNotNull();
        assertThat(probe.getHttpGet()).as("%s httpGet", where).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as("%s path", where).isEqualTo(path);
        // health is served on the management interface only, never on the public API port
        assertThat(probe.getHttpGet().getPort().getStrValue()).as("%s port", where).isEqualTo("management");
    }
}
