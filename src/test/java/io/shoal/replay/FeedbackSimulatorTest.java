package io.shoal.replay;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.shoal.event.EventType;
import io.shoal.ingest.IdentityMergeTest;
import io.shoal.ingest.TrackingProfile;
import io.shoal.pipeline.InFlightLimiter;
import io.shoal.segmenting.SegmentModelManager;
import io.shoal.store.SegmentStore;
import io.shoal.testing.ShoalTestResources;

/**
 * {@code --simulate-feedback} against the real service: shoppers buy, then buy again some of what they bought (their
 * own history is what a recommender shows them); the simulator shows each basket's shopper their list first, sends
 * back an impression per item and a click per shown item the basket holds, and the service's feedback counters end
 * with exactly those impressions and clicks, every click converted by the purchase that follows it.
 */
@QuarkusTest
@TestProfile(TrackingProfile.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class FeedbackSimulatorTest {

    @Inject
    SegmentStore store;

    @Inject
    SegmentModelManager manager;

    @Inject
    InFlightLimiter limiter;

    @TestHTTPResource("/")
    URL service;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void aModelExists() {
        IdentityMergeTest.seedModel(store, limiter, manager);
    }

    private static long[] totals() {
        JsonPath stats = given().get("/v1/recommendations/stats").then().statusCode(200).extract().jsonPath();
        long[] t = new long[3];
        for (Map<String, Object> row : stats.<Map<String, Object>>getList("rows")) {
            t[0] += ((Number) row.get("impressions")).longValue();
            t[1] += ((Number) row.get("clicks")).longValue();
            t[2] += ((Number) row.get("conversions")).longValue();
        }
        return t;
    }

    @Test
    void shownAndBoughtItemsAreClickedAndConvertAndTheServiceCountsExactlyThat() throws Exception {
        ReplayStats stats = new ReplayStats();
        ReplayStats feedbackStats = new ReplayStats();
        URI endpoint = service.toURI().resolve("/v1/events");
        Backoff backoff = new Backoff(Duration.ofMillis(10), Duration.ofMillis(100), () -> 0.5);
        HttpBatchSender events = new HttpBatchSender(HttpBatchSender.defaultClient(), endpoint, Duration.ofSeconds(10),
                backoff, ReplayClock.SYSTEM, stats);
        HttpBatchSender feedback = new HttpBatchSender(HttpBatchSender.defaultClient(), endpoint,
                Duration.ofSeconds(10), backoff, ReplayClock.SYSTEM, feedbackStats);
        FeedbackSimulator simulator = new FeedbackSimulator(events, feedback, HttpBatchSender.defaultClient(),
                service.toURI(), Duration.ofSeconds(10));
        long[] before = totals();

        Instant t = Instant.parse("2026-11-30T20:00:00Z");
        for (int basket = 0; basket < 3; basket++) {
            List<ReplayEvent> batch = new ArrayList<>();
            for (int u = 0; u < 3; u++) {
                String user = "sim-" + run + "-" + u;
                // Every basket holds the shopper's two usual items and one new one.
                for (String item : List.of("usual-a-" + u, "usual-b-" + u, "new-" + basket + "-" + u)) {
                    batch.add(new ReplayEvent(user + "-" + basket + "-" + item, user, EventType.PURCHASE,
                            item + "-" + run, IdentityMergeTest.text(u, basket + item.length()), null, 1.0, 1,
                            t.plus(Duration.ofDays(basket)).plusSeconds(u)));
                }
            }
            simulator.send(batch);
            IdentityMergeTest.awaitQuiet(limiter, manager);
        }

        assertThat(simulator.baskets.sum()).isEqualTo(9);
        // From the second basket on, a shopper's usual items are in their list (their own history) and in the basket.
        assertThat(simulator.clicks.sum()).isPositive();
        assertThat(feedbackStats.rejected.sum()).as("every simulated event valid").isZero();
        assertThat(simulator.impressions.sum()).isGreaterThanOrEqualTo(simulator.clicks.sum());
        long[] after = totals();
        assertThat(after[0] - before[0]).as("impressions counted").isEqualTo(simulator.impressions.sum());
        assertThat(after[1] - before[1]).as("clicks counted").isEqualTo(simulator.clicks.sum());
        assertThat(after[2] - before[2]).as("each click converted by the purchase after it")
                .isEqualTo(simulator.clicks.sum());
        // The dataset's counts stay the dataset's: 27 purchases, the feedback apart.
        assertThat(stats.eventsSent.sum()).isEqualTo(27);
        assertThat(feedbackStats.eventsSent.sum()).isEqualTo(simulator.impressions.sum() + simulator.clicks.sum());
        // A basket cut into two requests is shown recommendations once.
        simulator.send(List.of(new ReplayEvent("again-" + run, "sim-" + run + "-0", EventType.PURCHASE,
                "usual-a-0-" + run, IdentityMergeTest.text(0, 1), null, 1.0, 1, t.plus(Duration.ofDays(2)), null)));
        assertThat(simulator.baskets.sum()).isEqualTo(9);
        assertThat(simulator.summary()).contains("9 baskets").contains("impressions");
    }
}
