package io.shoal.deploy;

import static io.shoal.deploy.KubernetesManifests.ofKind;
import static io.shoal.deploy.KubernetesManifests.single;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.shoal.deploy.KubernetesManifests.Manifest;

/**
 * The chart's operations objects: the PrometheusRule passes {@code promtool check rules} and its alerts fire (and
 * stay quiet) as {@code promtool test rules} says on scripted series; the Grafana dashboard ConfigMap carries the
 * dashboard for the sidecar; traces are on in the chart with the OTLP endpoint value. (That each metric the rules and
 * the dashboard read is exported by the service: MetricsContractTest and KafkaWorkersIT.)
 */
class ObservabilityChartTest {

    @TempDir
    Path dir;

    @Test
    void rulesAreOffByDefaultAndValidWhenOn() throws Exception {
        assertThat(ofKind(HelmChartTest.render(t -> t), "PrometheusRule")).isEmpty();
        Path rules = writeRules();
        Promtool.Result check = Promtool.run(dir, "check", "rules", rules.toString());
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS");
    }

    @Test
    void alertsFireOnScriptedSeriesAndStayQuietOtherwise() throws Exception {
        writeRules();
        Path tests = dir.resolve("tests.yaml");
        Files.copy(Path.of("src", "test", "resources", "prometheus", "shoal-alerts-test.yaml"), tests);
        Promtool.Result result = Promtool.run(dir, "test", "rules", tests.toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void rulesCarryTheChartsThresholdsAndSelector() {
        List<Manifest> manifests = HelmChartTest.render(t -> t.set("metrics.prometheusRule.enabled", true)
                .set("metrics.prometheusRule.lagSeconds", 30).set("metrics.selector", "job=\"shoal\"")
                .set("metrics.prometheusRule.labels.release", "kube-prometheus-stack"));
        Manifest rule = single(manifests, "PrometheusRule", "shoal");
        assertThat(KubernetesManifests.asMap(KubernetesManifests.asMap(rule.raw().get("metadata"), "metadata")
                .get("labels"), "labels")).containsEntry("release", "kube-prometheus-stack");
        assertThat(rule.raw().toString()).contains("max(shoal_pipeline_lag_seconds{job=\"shoal\"}) > 30")
                .doesNotContain("namespace=\"shoal\"");
    }

    @Test
    void dashboardConfigMapIsForTheGrafanaSidecar() throws Exception {
        assertThat(ofKind(HelmChartTest.render(t -> t), "ConfigMap")).hasSize(1);
        List<Manifest> manifests = HelmChartTest.render(t -> t.set("metrics.grafanaDashboard.enabled", true)
                .set("metrics.grafanaDashboard.folder", "Shop"));
        Manifest cm = single(manifests, "ConfigMap", "-dashboard");
        Map<String, Object> meta = KubernetesManifests.asMap(cm.raw().get("metadata"), "metadata");
        assertThat(KubernetesManifests.asMap(meta.get("labels"), "labels")).containsEntry("grafana_dashboard", "1");
        assertThat(KubernetesManifests.asMap(meta.get("annotations"), "annotations"))
                .containsEntry("grafana_folder", "Shop");
        String json = (String) KubernetesManifests.asMap(cm.raw().get("data"), "data").get("shoal.json");
        ObjectMapper mapper = new ObjectMapper();
        JsonNode rendered = mapper.readTree(json);
        assertThat(rendered).isEqualTo(mapper.readTree(Files.readString(ObservabilityAssets.DASHBOARD)));
        assertThat(rendered.get("uid").asText()).isEqualTo("shoal-overview");
        List<String> titles = new ArrayList<>();
        rendered.get("panels").forEach(p -> titles.add(p.get("title").asText()));
        assertThat(titles).contains("Pipeline lag", "Event to segment latency", "Requests refused (503)",
                "Dead letters (10 min)", "Cache hit ratio", "Refit and sweep");
    }

    @Test
    void tracesAreOnInTheChartWithTheEndpointValueAndOffWhenDisabled() {
        Map<String, Object> on = data(HelmChartTest.render(t -> t.set("tracing.otlpEndpoint",
                "http://collector.observability:4317")));
        assertThat(on).containsEntry("QUARKUS_OTEL_SDK_DISABLED", "false")
                .containsEntry("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.observability:4317")
                .containsEntry("QUARKUS_OTEL_TRACES_SAMPLER_ARG", "0.1");
        Map<String, Object> off = data(HelmChartTest.render(t -> t.set("tracing.enabled", false)));
        assertThat(off).doesNotContainKeys("QUARKUS_OTEL_SDK_DISABLED", "QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT");
    }

    private static Map<String, Object> data(List<Manifest> manifests) {
        return KubernetesManifests.asMap(single(manifests, "ConfigMap", "shoal").raw().get("data"), "data");
    }

    /** The rendered PrometheusRule's spec as a Prometheus rule file (what the operator hands Prometheus). */
    private Path writeRules() throws IOException {
        Object spec = ObservabilityAssets.prometheusRule().raw().get("spec");
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, new Yaml(options).dump(spec), StandardCharsets.UTF_8);
        return rules;
    }

    /** promtool from the Debian package prometheus (.ci/run installs it when it is missing). */
    static final class Promtool {
        record Result(int exitCode, String output) {
        }

        static Result run(Path dir, String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("promtool"));
            command.addAll(List.of(args));
            Process p;
            try {
                p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new IllegalStateException("promtool is not installed: apt-get install prometheus (.ci/run does)",
                        e);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return new Result(p.exitValue(), out);
        }
    }
}
