package io.shoal.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

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
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.shoal.ingest.IdentityMergeTest;
import io.shoal.ingest.TrackingProfile;
import io.shoal.pipeline.InFlightLimiter;
import io.shoal.segmentation.SegmentModel;
import io.shoal.segmenting.SegmentModelManager;
import io.shoal.store.SegmentStore;
import io.shoal.testing.RetailTexts;
import io.shoal.testing.ShoalTestResources;

/**
 * A segment seeded from example titles over the real pipeline, Redis and PostgreSQL: it is added beside the learned
 * ones under the marketer's name, shoppers who buy like the examples join it, an operator's refit keeps it (same id,
 * centroid still at the examples), and its precision/recall are reported; bad requests name the field.
 */
@QuarkusTest
@TestProfile(TrackingProfile.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class SeededSegmentResourceTest {

    /** Garden titles that share no keyword with the learned segments' categories. */
    static final List<String> GARDEN = RetailTexts.byKeyword("GARDEN", "LUNCH BAG", "CAKE", "CHRISTMAS", "CANDLE")
            .get("GARDEN");

    @Inject
    SegmentStore store;

    @Inject
    SegmentModelManager manager;

    @Inject
    InFlightLimiter limiter;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void aModelExists() {
        IdentityMergeTest.seedModel(store, limiter, manager);
    }

    @Test
    void aSeededSegmentTakesLikeMindedShoppersAndSurvivesARefit() {
        assertThat(GARDEN).hasSizeGreaterThan(20);
        List<String> examples = GARDEN.subList(0, 8);
        JsonPath seeded = given().contentType(ContentType.JSON)
                .body(Map.of("label", "Gardeners " + run, "texts", examples))
                .post("/v1/segments/seeded").then().statusCode(201).extract().jsonPath();
        long id = seeded.getLong("segmentId");
        assertThat(seeded.getString("label")).isEqualTo("Gardeners " + run);
        assertThat(seeded.getInt("examples")).isEqualTo(8);
        assertThat(seeded.getDouble("recall")).as("the examples are nearest to their own segment").isEqualTo(1.0);
        assertThat(seeded.getDouble("precision")).isEqualTo(1.0);
        SegmentModel model = store.model().await().atMost(Duration.ofSeconds(5));
        assertThat(model.slotOf(id)).isNotNegative();
        float[] direction = model.kmeans().centroid(model.slotOf(id));
        IdentityMergeTest.awaitQuiet(limiter, manager);

        // Shoppers who buy other garden things join the seeded segment, by behaviour.
        Instant t = Instant.parse("2026-11-30T18:00:00Z");
        List<Map<String, Object>> events = new ArrayList<>();
        for (int u = 0; u < 3; u++) {
            for (int i = 0; i < 3; i++) {
                events.add(Map.of("eventId", run + "-g" + u + "-" + i, "userId", "gardener-" + run + "-" + u,
                        "type", "purchase", "text", GARDEN.get(10 + 3 * u + i), "occurredAt",
                        t.plusSeconds(60L * u + i).toString()));
            }
        }
        given().contentType(ContentType.JSON).body(events).post("/v1/events").then().statusCode(202);
        IdentityMergeTest.awaitQuiet(limiter, manager);
        for (int u = 0; u < 3; u++) {
            given().get("/v1/users/{u}/segment", "gardener-" + run + "-" + u).then().statusCode(200)
                    .body("segmentId", equalTo((int) id)).body("segmentLabel", equalTo("Gardeners " + run));
        }

        // An operator's refit keeps the seeded segment: same id, centroid still at the examples.
        long generation = store.model().await().atMost(Duration.ofSeconds(5)).generation();
        given().post("/v1/model/refit").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> store.model()
                .await().atMost(Duration.ofSeconds(5)).generation() > generation && manager.idle());
        SegmentModel after = store.model().await().atMost(Duration.ofSeconds(5));
        int slot = after.slotOf(id);
        assertThat(slot).as("the seeded segment survives the refit").isNotNegative();
        double cos = 0;
        float[] c = after.kmeans().centroid(slot);
        for (int i = 0; i < c.length; i++) {
            cos += (double) c[i] * direction[i];
        }
        assertThat(cos).isCloseTo(1.0, within(1e-4));

        JsonPath listed = given().get("/v1/segments/seeded").then().statusCode(200).extract().jsonPath();
        assertThat(listed.getList("findAll { it.segmentId == " + id + " }")).hasSize(1);
        assertThat(listed.getLong("find { it.segmentId == " + id + " }.members")).isGreaterThanOrEqualTo(3);
        assertThat(listed.getList("find { it.segmentId == " + id + " }.texts")).containsExactlyElementsOf(examples);
        // The marketer's name survives the refit with the id.
        assertThat(listed.getString("find { it.segmentId == " + id + " }.label")).isEqualTo("Gardeners " + run);

        // Unpinned, it stays as an ordinary segment; a second unpin is a 404.
        given().delete("/v1/segments/seeded/{id}", id).then().statusCode(204);
        given().delete("/v1/segments/seeded/{id}", id).then().statusCode(404).body("parameter", equalTo("segmentId"));
        assertThat(given().get("/v1/segments/seeded").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.segmentId == " + id + " }")).isEmpty();
        given().delete("/v1/segments/{id}/label", id).then().statusCode(200);
    }

    @Test
    void badSeedRequestsNameTheField() {
        given().contentType(ContentType.JSON).body(Map.of("texts", List.of("a rake")))
                .post("/v1/segments/seeded").then().statusCode(400).body("parameter", equalTo("label"));
        given().contentType(ContentType.JSON).body(Map.of("label", "x")).post("/v1/segments/seeded").then()
                .statusCode(400).body("parameter", equalTo("texts"));
        given().contentType(ContentType.JSON).body(Map.of("label", "x", "texts", List.of("rake", " ")))
                .post("/v1/segments/seeded").then().statusCode(400).body("parameter", equalTo("texts[1]"));
        given().contentType(ContentType.JSON).body(Map.of("label", "x", "userIds", List.of("nobody-" + run)))
                .post("/v1/segments/seeded").then().statusCode(400).body("parameter", equalTo("userIds[0]"));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 201; i++) {
            many.add("t" + i);
        }
        given().contentType(ContentType.JSON).body(Map.of("label", "x", "texts", many))
                .post("/v1/segments/seeded").then().statusCode(400).body("parameter", equalTo("texts"));
        given().delete("/v1/segments/seeded/{id}", "abc").then().statusCode(400)
                .body("parameter", equalTo("segmentId"));
    }
}
