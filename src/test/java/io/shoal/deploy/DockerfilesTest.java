package io.shoal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The images and the chart must agree on what neither can check alone: the user the pod runs as, the port the probes
 * hit and the cache folder the read-only root filesystem leaves writable. Syntax is scripts/lint-dockerfiles.sh's job.
 */
class DockerfilesTest {

    private static final Path NATIVE = Path.of("Dockerfile.native");
    private static final Path WORKER = Path.of("src", "main", "docker", "Dockerfile.worker");

    @Test
    void imagesRunAsTheUserTheChartExpectsOnPort8080() throws IOException {
        Map<String, Object> values = new Yaml().load(Files.readString(Path.of("helm", "shoal", "values.yaml")));
        Object runAsUser = KubernetesManifests.asMap(values.get("podSecurityContext"), "podSecurityContext")
                .get("runAsUser");

        for (Path dockerfile : new Path[] {NATIVE, WORKER}) {
            String text = Files.readString(dockerfile);
            assertThat(text).as("%s final USER", dockerfile).containsPattern("(?m)^USER " + runAsUser + "$");
            assertThat(text).as("%s port", dockerfile).containsPattern("(?m)^EXPOSE 8080$");
        }
    }

    @Test
    void nativeImageIsTheIngestRoleBuiltWithMandrel() throws IOException {
        String text = Files.readString(NATIVE);

        assertThat(text).contains("ubi-quarkus-mandrel-builder-image")
                .contains("-Dnative")
                .contains("-Dquarkus.profile=prod,ingest")
                .contains("SHOAL_ROLE=ingest")
                .contains("quarkus-micro-image");
    }

    @Test
    void workerImageRunsTheGpuBuildOnCudaWithTheDjlCacheTheChartMounts() throws IOException {
        String text = Files.readString(WORKER);
        String chartWorker = Files.readString(Path.of("helm", "shoal", "templates", "worker-deployment.yaml"));

        assertThat(text).contains("-Pgpu").containsPattern("(?m)^FROM nvidia/cuda:12\\.[0-9.]+-cudnn-runtime")
                .contains("java-17-openjdk-headless")
                .contains("DJL_CACHE_DIR=/var/cache/djl");
        assertThat(chartWorker).contains("mountPath: /var/cache/djl");
    }
}
