package io.shoal.deploy;

import static io.shoal.deploy.KubernetesManifests.ofKind;
import static io.shoal.deploy.KubernetesManifests.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import io.shoal.deploy.KubernetesManifests.Manifest;

/** Renders helm/shoal with the embedded Helm and validates every object offline. */
class HelmChartTest {

    private static final Path CHART = Path.of("helm", "shoal").toAbsolutePath();
    /** The oldest Kubernetes the chart supports (Chart.yaml kubeVersion); Helm's offline default is older. */
    private static final String KUBE_VERSION = "1.25.0";

    @Test
    void chartPassesStrictLint() {
        LintResult result = new Helm(CHART).lint().strict().call();

        assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
    }

    @Test
    void defaultValuesRenderValidKubernetesObjects() {
        List<Manifest> manifests = render(t -> t);

        assertThat(manifests).extracting(Manifest::kind).containsExactlyInAnyOrder(
                "ServiceAccount", "ConfigMap", "Service", "Service", "Deployment", "Deployment",
                "HorizontalPodAutoscaler", "HorizontalPodAutoscaler", "PodDisruptionBudget", "PodDisruptionBudget",
                "NetworkPolicy", "NetworkPolicy");
        for (Manifest deployment : ofKind(manifests, "Deployment")) {
            DeploymentChecks.assertProductionReady(deployment.as(V1Deployment.class));
            assertThat(deployment.as(V1Deployment.class).getSpec().getReplicas())
                    .as("%s replicas are left to the autoscaler", deployment.name()).isNull();
        }
    }

    @Test
    void workerHasGpuCacheAndGenerousStartupProbe() {
        V1Deployment worker = single(render(t -> t), "Deployment", "-worker").as(V1Deployment.class);
        V1Container container = worker.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(DeploymentChecks.gpuLimit(worker)).isNotNull();
        assertThat(DeploymentChecks.gpuLimit(worker).getNumber()).isEqualByComparingTo("1");
        assertThat(DeploymentChecks.env(worker, "SHOAL_ROLE")).isEqualTo("worker");
        assertThat(DeploymentChecks.env(worker, "SHOAL_KAFKA_CONSUMER_GROUP"))
                .isEqualTo("shoal-workers");
        DeploymentChecks.assertWritableEmptyDir(worker.getSpec().getTemplate().getSpec(), container,
                "/var/cache/djl", "worker");
        int startupBudgetSeconds = container.getStartupProbe().getPeriodSeconds()
                * container.getStartupProbe().getFailureThreshold();
        assertThat(startupBudgetSeconds).as("time allowed for the model to load").isGreaterThanOrEqualTo(300);
        assertThat(worker.getSpec().getTemplate().getSpec().getTolerations())
                .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
    }

    @Test
    void gpuDisabledRequestsNoGpuAndPlacementComesFromValues() {
        V1Deployment worker = single(render(t -> t
                .set("worker.gpu.enabled", false)
                .set("worker.inference.device", "cpu")
                .set("worker.nodeSelector.pool", "cpu-workers")
                .set("worker.tolerations", "null")), "Deployment", "-worker").as(V1Deployment.class);

        assertThat(DeploymentChecks.gpuLimit(worker)).isNull();
        assertThat(DeploymentChecks.env(worker, "SHOAL_INFERENCE_DEVICE")).isEqualTo("cpu");
        assertThat(worker.getSpec().getTemplate().getSpec().getNodeSelector()).containsEntry("pool", "cpu-workers");
        assertThat(worker.getSpec().getTemplate().getSpec().getTolerations()).isNullOrEmpty();
    }

    @Test
    void kedaEnabledRendersScaledObjectOnLagAndNoWorkerHpa() {
        List<Manifest> manifests = render(t -> t
                .set("worker.autoscaling.keda.enabled", true)
                .set("worker.autoscaling.keda.lagThreshold", 500));

        assertThat(ofKind(manifests, "HorizontalPodAutoscaler")).extracting(Manifest::name)
                .containsExactly("shoal-ingest");
        Manifest scaledObject = single(manifests, "ScaledObject", "-worker");
        Map<String, Object> spec = KubernetesManifests.asMap(scaledObject.raw().get("spec"), "spec");
        assertThat(KubernetesManifests.asMap(spec.get("scaleTargetRef"), "scaleTargetRef"))
                .containsEntry("name", "shoal-worker");
        Map<String, Object> trigger = KubernetesManifests.asMap(((List<?>) spec.get("triggers")).get(0), "trigger");
        assertThat(trigger).containsEntry("type", "kafka").doesNotContainKey("authenticationRef");
        assertThat(KubernetesManifests.asMap(trigger.get("metadata"), "metadata"))
                .containsEntry("topic", "shoal.behavior-events")
                .containsEntry("consumerGroup", "shoal-workers")
                .containsEntry("lagThreshold", "500");
        assertThat(ofKind(manifests, "TriggerAuthentication")).isEmpty();
    }

    @Test
    void kedaWithKafkaCredentialsAuthenticatesFromTheExistingSecret() {
        List<Manifest> manifests = render(t -> t
                .set("worker.autoscaling.keda.enabled", true)
                .set("worker.autoscaling.keda.sasl", "scram_sha512")
                .set("kafka.securityProtocol", "SASL_SSL")
                .set("kafka.saslMechanism", "SCRAM-SHA-512")
                .set("kafka.existingSecret", "kafka-user"));

        Manifest auth = single(manifests, "TriggerAuthentication", "-worker-kafka");
        assertThat(auth.raw().toString()).contains("kafka-user").doesNotContain("sasl.jaas.config");
        Manifest scaledObject = single(manifests, "ScaledObject", "-worker");
        assertThat(scaledObject.raw().toString()).contains("authenticationRef={name=shoal-worker-kafka}");
        V1Deployment worker = single(manifests, "Deployment", "-worker").as(V1Deployment.class);
        assertThat(envVar(worker, "KAFKA_SASL_JAAS_CONFIG").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("kafka-user");
    }

    @Test
    void autoscalingOffPinsReplicasFromValues() {
        List<Manifest> manifests = render(t -> t
                .set("ingest.autoscaling.enabled", false)
                .set("ingest.replicas", 3)
                .set("worker.autoscaling.hpa.enabled", false)
                .set("worker.replicas", 4));

        assertThat(ofKind(manifests, "HorizontalPodAutoscaler")).isEmpty();
        assertThat(single(manifests, "Deployment", "-ingest").as(V1Deployment.class).getSpec().getReplicas())
                .isEqualTo(3);
        assertThat(single(manifests, "Deployment", "-worker").as(V1Deployment.class).getSpec().getReplicas())
                .isEqualTo(4);
    }

    @Test
    void ingestServiceOffersHttpAndGrpcOnTheOneContainerPort() {
        List<Manifest> manifests = render(t -> t);
        V1Service service = single(manifests, "Service", "-ingest").as(V1Service.class);
        V1Deployment ingest = single(manifests, "Deployment", "-ingest").as(V1Deployment.class);

        assertThat(service.getSpec().getPorts()).extracting(V1ServicePort::getName, V1ServicePort::getAppProtocol,
                p -> p.getTargetPort().getStrValue())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("http", "http", "http"),
                        org.assertj.core.groups.Tuple.tuple("grpc", "kubernetes.io/h2c", "http"));
        assertThat(ingest.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
                .extracting(p -> p.getName(), p -> p.getContainerPort())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("http", 8080),
                        org.assertj.core.groups.Tuple.tuple("management", 9000));
        assertThat(service.getSpec().getSelector())
                .isEqualTo(ingest.getSpec().getSelector().getMatchLabels());
        V2HorizontalPodAutoscaler hpa = single(manifests, "HorizontalPodAutoscaler", "-ingest")
                .as(V2HorizontalPodAutoscaler.class);
        assertThat(hpa.getSpec().getMetrics().get(0).getResource().getName()).isEqualTo("cpu");
    }

    @Test
    void credentialsAreSecretReferencesAndNeverRendered() {
        List<Manifest> manifests = render(t -> t.set("redis.existingSecret", "redis-auth")
                .set("tracking.existingSecret", "tracking-keys"));

        assertThat(ofKind(manifests, "Secret")).isEmpty();
        for (Manifest deployment : ofKind(manifests, "Deployment")) {
            V1Deployment typed = deployment.as(V1Deployment.class);
            assertThat(envVar(typed, "QUARKUS_DATASOURCE_PASSWORD").getValueFrom().getSecretKeyRef().getName())
                    .isEqualTo("shoal-postgres");
            assertThat(envVar(typed, "QUARKUS_REDIS_PASSWORD").getValueFrom().getSecretKeyRef().getName())
                    .isEqualTo("redis-auth");
            assertThat(envVar(typed, "SHOAL_TRACKING_WRITE_KEYS").getValueFrom().getSecretKeyRef().getKey())
                    .isEqualTo("write-keys");
        }
        Manifest configMap = single(manifests, "ConfigMap", "shoal");
        assertThat(configMap.raw().toString()).doesNotContainIgnoringCase("password");
        assertThat(KubernetesManifests.asMap(configMap.raw().get("data"), "data"))
                .containsEntry("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://shoal-postgres:5432/shoal")
                .containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://shoal-postgres:5432/shoal")
                .containsEntry("SHOAL_SEGMENTATION_K", "8");
    }

    @Test
    void aRedisClusterIsConfiguredWithAHashTaggedKeyPrefixAndRefusedWithout() {
        Map<String, Object> standalone = KubernetesManifests.asMap(
                single(render(t -> t), "ConfigMap", "shoal").raw().get("data"), "data");
        assertThat(standalone).containsEntry("QUARKUS_REDIS_CLIENT_TYPE", "standalone")
                .containsEntry("SHOAL_REDIS_KEY_PREFIX", "shoal:");

        assertThat(standalone).doesNotContainKey("SHOAL_REDIS_INGEST_KEY_PREFIX");

        Map<String, Object> cluster = KubernetesManifests.asMap(single(render(t -> t.set("redis.clientType", "cluster")
                .set("redis.keyPrefix", "{shoal}:").set("redis.ingestKeyPrefix", "{shoal-ingest}:")
                .set("redis.hosts", "redis://redis-0:6379,redis://redis-1:6379")),
                "ConfigMap", "shoal").raw().get("data"), "data");
        assertThat(cluster).containsEntry("QUARKUS_REDIS_CLIENT_TYPE", "cluster")
                .containsEntry("SHOAL_REDIS_KEY_PREFIX", "{shoal}:")
                .containsEntry("SHOAL_REDIS_INGEST_KEY_PREFIX", "{shoal-ingest}:")
                .containsEntry("QUARKUS_REDIS_HOSTS", "redis://redis-0:6379,redis://redis-1:6379");

        for (String untagged : List.of("shoal:", "{}shoal:", "{shoal:")) {
            assertThatThrownBy(() -> render(t -> t.set("redis.clientType", "cluster").set("redis.keyPrefix", untagged)))
                    .as(untagged).hasMessageContaining("redis.keyPrefix").hasMessageContaining("must hold a hash tag");
        }
        assertThatThrownBy(() -> render(t -> t.set("redis.clientType", "cluster").set("redis.keyPrefix", "{shoal}:")
                .set("redis.ingestKeyPrefix", "shoal-ingest:"))).hasMessageContaining("redis.ingestKeyPrefix");
        assertThatThrownBy(() -> render(t -> t.set("redis.clientType", "sentinel")))
                .hasMessageContaining("/redis/clientType");
    }

    @Test
    void apiKeysAndJwtKeyComeFromSecretsAndOperationsStayOffThePublicPort() {
        List<Manifest> manifests = render(t -> t.set("auth.jwt.enabled", true).set("auth.jwt.issuer", "https://id.example"));
        for (Manifest deployment : ofKind(manifests, "Deployment")) {
            V1Deployment typed = deployment.as(V1Deployment.class);
            assertThat(envVar(typed, "SHOAL_AUTH_API_KEYS").getValueFrom().getSecretKeyRef().getName())
                    .isEqualTo("shoal-api-keys");
            assertThat(envVar(typed, "MP_JWT_VERIFY_PUBLICKEY_LOCATION").getValue())
                    .isEqualTo("file:/etc/shoal/jwt/public-key.pem");
            assertThat(envVar(typed, "MP_JWT_VERIFY_ISSUER").getValue()).isEqualTo("https://id.example");
            assertThat(typed.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(v -> v.getSecret() != null)
                    .singleElement().satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("shoal-jwt"));
            assertThat(typed.getSpec().getTemplate().getMetadata().getAnnotations())
                    .containsEntry("prometheus.io/port", "9000");
        }
        assertThat(ofKind(manifests, "Secret")).as("no secret is rendered by the chart").isEmpty();
        V1Service worker = single(manifests, "Service", "-worker").as(V1Service.class);
        assertThat(worker.getSpec().getPorts()).extracting(V1ServicePort::getName).containsExactly("management");

        List<Manifest> off = render(t -> t.set("auth.enabled", false));
        for (Manifest deployment : ofKind(off, "Deployment")) {
            assertThat(envVar(deployment.as(V1Deployment.class), "SHOAL_AUTH_ENABLED").getValue()).isEqualTo("false");
        }
    }

    @Test
    void networkPoliciesOpenTheApiPortAndTheManagementPortOnlyToTheScraper() {
        List<Manifest> manifests = render(t -> t);
        var ingest = single(manifests, "NetworkPolicy", "-ingest").as(io.kubernetes.client.openapi.models.V1NetworkPolicy.class);
        assertThat(ingest.getSpec().getIngress()).hasSize(2);
        assertThat(ingest.getSpec().getIngress().get(0).getPorts().get(0).getPort().getStrValue()).isEqualTo("http");
        assertThat(ingest.getSpec().getIngress().get(0).getFrom()).as("API from anywhere by default").isNullOrEmpty();
        var management = ingest.getSpec().getIngress().get(1);
        assertThat(management.getPorts().get(0).getPort().getStrValue()).isEqualTo("management");
        assertThat(management.getFrom()).singleElement().satisfies(peer -> assertThat(
                peer.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "monitoring"));
        var worker = single(manifests, "NetworkPolicy", "-worker").as(io.kubernetes.client.openapi.models.V1NetworkPolicy.class);
        assertThat(worker.getSpec().getIngress()).singleElement()
                .satisfies(r -> assertThat(r.getPorts().get(0).getPort().getStrValue()).isEqualTo("management"));
        assertThat(ofKind(render(t -> t.set("networkPolicy.enabled", false)), "NetworkPolicy")).isEmpty();
    }

    @Test
    void theOptionalIngressRoutesTheApiPortWithTls() {
        assertThat(ofKind(render(t -> t), "Ingress")).isEmpty();
        List<Manifest> manifests = render(t -> t.set("ingress.enabled", true).set("ingress.host", "api.shop.example")
                .set("ingress.className", "nginx"));
        var ingress = single(manifests, "Ingress", "-ingest").as(io.kubernetes.client.openapi.models.V1Ingress.class);
        assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
        assertThat(ingress.getSpec().getTls()).singleElement().satisfies(tls -> {
            assertThat(tls.getHosts()).containsExactly("api.shop.example");
            assertThat(tls.getSecretName()).isEqualTo("shoal-tls");
        });
        var backend = ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService();
        assertThat(backend.getPort().getName()).isEqualTo("http");
        assertThat(backend.getName()).endsWith("-ingest");
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("ingest.replicas", "two", "/ingest/replicas"),
                Arguments.of("worker.replicas", 0, "/worker/replicas"),
                Arguments.of("worker.inference.device", "tpu", "/worker/inference/device"),
                Arguments.of("ingest.image.repository", "", "/ingest/image/repository"),
                Arguments.of("postgres.existingSecret", "", "/postgres/existingSecret"),
                Arguments.of("auth.existingSecret", "", "/auth/existingSecret"),
                Arguments.of("ingress.host", "bad host/", "/ingress/host"),
                Arguments.of("worker.autoscaling.keda.lagThreshold", -5, "/worker/autoscaling/keda/lagThreshold"),
                Arguments.of("kafka.securityProtocol", "SASL", "/kafka/securityProtocol"),
                Arguments.of("config.shoal_segmentation_k", "8", "shoal_segmentation_k"),
                Arguments.of("ingest.replicaz", 3, "replicaz"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void badValuesFailNamingTheField(String key, Object value, String named) {
        assertThatThrownBy(() -> render(t -> t.set(key, value)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(named);
    }

    private static V1EnvVar envVar(V1Deployment deployment, String name) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(deployment.getMetadata().getName() + " has no env " + name));
    }

    static List<Manifest> render(UnaryOperator<TemplateCommand> values) {
        String yaml = values.apply(new Helm(CHART).template().withName("shoal").withNamespace("shoal")
                .withKubeVersion(KUBE_VERSION)).call();
        return KubernetesManifests.parseAndValidate(yaml);
    }
}
