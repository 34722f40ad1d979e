package io.shoal.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.shoal.deploy.KubernetesManifests.Manifest;

/**
 * The chart's alert rules and Grafana dashboard as the operators get them, and the metric names their PromQL uses
 * (for the check that the service exports each one).
 */
public final class ObservabilityAssets {

    public static final Path DASHBOARD = Path.of("helm", "shoal", "dashboards", "shoal.json");
    /** Metric names in PromQL: the families this project's expressions use (recording rules are {@code shoal:...}). */
    private static final Pattern METRIC = Pattern.compile("\\b((?:shoal|jvm|http_server|process|kafka)_[a-z0-9_]+)");

    private ObservabilityAssets() {
    }

    /** The PrometheusRule the chart renders with the rules on. */
    static Manifest prometheusRule() {
        return KubernetesManifests.single(HelmChartTest.render(t -> t.set("metrics.prometheusRule.enabled", true)),
                "PrometheusRule", "shoal");
    }

    /** Every expr of the rendered rules. */
    @SuppressWarnings("unchecked")
    public static List<String> ruleExpressions() {
        List<String> out = new ArrayList<>();
        Map<String, Object> spec = KubernetesManifests.asMap(prometheusRule().raw().get("spec"), "spec");
        for (Object g : (List<Object>) spec.get("groups")) {
            for (Object r : (List<Object>) KubernetesManifests.asMap(g, "group").get("rules")) {
                out.add((String) KubernetesManifests.asMap(r, "rule").get("expr"));
            }
        }
        return out;
    }

    /** Every expr of the dashboard's panels. */
    public static List<String> dashboardExpressions() {
        try {
            JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
            List<String> out = new ArrayList<>();
            for (JsonNode expr : dashboard.findValues("expr")) {
                out.add(expr.asText());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The metric names the expressions read. */
    public static Set<String> metricsIn(List<String> expressions) {
        Set<String> names = new TreeSet<>();
        for (String e : expressions) {
            Matcher m = METRIC.matcher(e);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** The metric names of a Prometheus text scrape (samples only, not # HELP or # TYPE lines). */
    public static Set<String> exported(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = line.indexOf('{');
            names.add((end < 0 ? line.substring(0, line.indexOf(' ')) : line.substring(0, end)).strip());
        }
        return names;
    }
}
