package io.shoal.replay;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.shoal.deploy.ObservabilityAssets;
import io.shoal.segmenting.SegmentModelManager;
import io.shoal.store.SegmentStore;
import io.shoal.testing.RetailTexts;
import io.shoal.testing.ShoalTestResources;
import io.shoal.testing.Management;

/**
 * The operators' contract: after a replay of real Online Retail purchases through {@code ./shoal replay}'s code, the
 * service's {@code /q/metrics} exports every metric the chart's alert rules and Grafana dashboard read, and the SLO
 * histogram has the 1 s bucket the burn-rate rules divide by. The Kafka roles' own metric is checked on a worker's
 * scrape in KafkaWorkersIT.
 */
@QuarkusTest
@TestProfile(MetricsContractTest.SmallModel.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class MetricsContractTest {

    /** Exported by the worker role only (its Kafka consumer); checked there. */
    static final Set<String> KAFKA_ROLE_ONLY = Set.of("shoal_kafka_dead_letters_total");

    public static class SmallModel implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("shoal.segmentation.k", "3", "shoal.segmentation.bootstrap-profiles", "20");
        }
    }

    @TestHTTPResource("/")
    URL url;

    @Inject
    SegmentStore store;

    @Inject
    SegmentModelManager manager;

    @Test
    void everyMetricTheRulesAndTheDashboardReadIsExported() {
        assertThat(RetailTexts.ONLINE_RETAIL).as("the shared Online Retail data").exists();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new ReplayCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8), false, HttpBatchSender.defaultClient(),
                ReplayClock.SYSTEM).run(new String[] { RetailTexts.ONLINE_RETAIL.toString(), "--url",
                        url.toString().replaceAll("/$", ""), "--limit", "3000", "--batch", "200" });
        assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
        await().atMost(Duration.ofSeconds(120)).until(() -> store.model().await().atMost(Duration.ofSeconds(5)) != null
                && manager.idle());

        String scrape = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
        Set<String> exported = ObservabilityAssets.exported(scrape);
        Set<String> read = new TreeSet<>(ObservabilityAssets.metricsIn(ObservabilityAssets.ruleExpressions()));
        read.addAll(ObservabilityAssets.metricsIn(ObservabilityAssets.dashboardExpressions()));
        assertThat(read).as("metrics the rules and dashboard read").hasSizeGreaterThan(25);
        read.removeAll(KAFKA_ROLE_ONLY);
        assertThat(exported).as("exported by the all-in-one service after a replay").containsAll(read);
        assertThat(scrape).containsPattern("shoal_pipeline_event_visible_latency_seconds_bucket\\{[^}]*le=\"1.0\"");
        assertThat(scrape).contains("shoal_ingest_requests_saturated_total{reason=\"backlog-full\"");

        // The runbook's "refit now": a manual refit swaps the model and is counted as such.
        given().post("/v1/model/refit").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> Management.given().get("/q/metrics").then().extract().asString()
                .contains("shoal_segmentation_swaps_total{cause=\"refit\",trigger=\"manual\"}"));
    }
}
