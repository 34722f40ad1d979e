package io.shoal.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
import io.shoal.store.SeedStore;
import io.shoal.store.SegmentStore;
import io.shoal.store.StoredUser;
import io.shoal.testing.RetailTexts;
import io.shoal.testing.ShoalTestResources;

/**
 * A segment seeded from example titles over the real pipeline, Redis and PostgreSQL: it is added beside the learned
 * ones under the marketer's name, shoppers who buy like the examples join it, an operator's refit keeps it (same id,
 * centroid still at the examples) and a learned segment's name (through the id matching), and its precision/recall
 * are reported; a segment seeded from example shoppers starts at their profiles' mean, and an erasure takes a shopper
 * out of the examples (the seed ends with the last); bad requests name the field.
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

    @Inject
    SeedStore seeds;

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

        // A marketer names a learned segment (the one the cake shoppers are in) before the refit.
        String baker = "seed-k1-u0";
        long cakes = given().get("/v1/users/{u}/segment", baker).then().statusCode(200).extract().jsonPath()
                .getLong("segmentId");
        given().contentType(ContentType.JSON).body(Map.of("label", "Bakers " + run))
                .put("/v1/segments/{id}/label", cakes).then().statusCode(200);

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
        // The learned segment was refit too (not pinned): the id matching gave its shoppers the same id, so they
        // keep the marketer's name.
        try {
            assertThat(after.slotOf(cakes)).as("the named segment is matched to a new centroid").isNotNegative();
            given().get("/v1/users/{u}/segment", baker).then().statusCode(200).body("segmentId",
                    equalTo((int) cakes)).body("segmentLabel", equalTo("Bakers " + run));
            assertThat(given().get("/v1/segments").then().statusCode(200).extract().jsonPath()
                    .getString("segments.find { it.segmentId == " + cakes + " }.label")).isEqualTo("Bakers " + run);
        } finally {
            given().delete("/v1/segments/{id}/label", cakes).then().statusCode(200);
        }

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
    void aSegmentSeededFromShoppersIsTheirMeanAndForgetsErasedShoppers() {
        Map<String, List<String>> titles = RetailTexts.byKeyword("CLOCK", "DOORMAT", "GARDEN", "LUNCH BAG", "CAKE",
                "CHRISTMAS", "CANDLE");
        List<String> clocks = titles.get("CLOCK");
        List<String> doormats = titles.get("DOORMAT");
        assertThat(clocks).hasSizeGreaterThan(12);
        assertThat(doormats).hasSizeGreaterThan(6);
        // A second seed, from texts: with two seeds, precision measures whether their examples are told apart.
        long mats = given().contentType(ContentType.JSON)
                .body(Map.of("label", "Doormats " + run, "texts", doormats.subList(0, 6)))
                .post("/v1/segments/seeded").then().statusCode(201).extract().jsonPath().getLong("segmentId");
        IdentityMergeTest.awaitQuiet(limiter, manager);

        Instant t = Instant.parse("2026-11-30T20:00:00Z");
        List<String> users = List.of("clock-" + run + "-0", "clock-" + run + "-1", "clock-" + run + "-2");
        List<Map<String, Object>> events = new ArrayList<>();
        for (int u = 0; u < users.size(); u++) {
            for (int i = 0; i < 3; i++) {
                events.add(Map.of("eventId", run + "-c" + u + "-" + i, "userId", users.get(u), "type", "purchase",
                        "text", clocks.get(3 * u + i), "occurredAt", t.plusSeconds(60L * u + i).toString()));
            }
        }
        given().contentType(ContentType.JSON).body(events).post("/v1/events").then().statusCode(202);
        IdentityMergeTest.awaitQuiet(limiter, manager);
        double[] mean = new double[0];
        for (StoredUser u : store.users(users).await().atMost(Duration.ofSeconds(5))) {
            float[] v = u.profile().vector();
            mean = mean.length == 0 ? new double[v.length] : mean;
            for (int i = 0; i < v.length; i++) {
                mean[i] += v[i];
            }
        }

        JsonPath seeded = given().contentType(ContentType.JSON)
                .body(Map.of("label", "Clock lovers " + run, "userIds", users))
                .post("/v1/segments/seeded").then().statusCode(201).extract().jsonPath();
        long id = seeded.getLong("segmentId");
        try {
            assertThat(seeded.getList("userIds")).containsExactlyElementsOf(users);
            assertThat(seeded.getInt("examples")).isEqualTo(3);
            SegmentModel model = store.model().await().atMost(Duration.ofSeconds(5));
            assertThat(cosine(model.kmeans().centroid(model.slotOf(id)), mean))
                    .as("the seeded centroid is the unit mean of the example shoppers' profiles")
                    .isCloseTo(1.0, within(1e-5));
            // Precision and recall as counted here from the stored examples and the model: each example goes to
            // its nearest centroid; recall = own examples kept, precision = own among all seeds' that land there.
            JsonPath listed = given().get("/v1/segments/seeded").then().statusCode(200).extract().jsonPath();
            Map<Long, SeedStore.StoredSeed> stored = seeds.all().await().atMost(Duration.ofSeconds(5));
            assertThat(stored.get(id).vectors()).hasSize(3);
            assertThat(stored.get(mats).vectors()).hasSize(6);
            Map<Long, int[]> landed = new HashMap<>(Map.of(id, new int[2], mats, new int[2]));
            for (long s : List.of(id, mats)) {
                for (float[] x : stored.get(s).vectors()) {
                    int best = 0;
                    for (int slot = 1; slot < model.kmeans().k(); slot++) {
                        if (cosine(model.kmeans().centroid(slot), x) > cosine(model.kmeans().centroid(best), x)) {
                            best = slot;
                        }
                    }
                    int[] at = landed.get(model.kmeans().segmentId(best));
                    if (at != null) {
                        at[0]++;
                        at[1] += model.kmeans().segmentId(best) == s ? 1 : 0;
                    }
                }
            }
            assertThat(listed.getDouble("find { it.segmentId == " + id + " }.recall"))
                    .as("each example shopper is nearest to the mean of the three").isEqualTo(1.0);
            for (long s : List.of(id, mats)) {
                int examples = stored.get(s).vectors().size();
                assertThat(listed.getDouble("find { it.segmentId == " + s + " }.recall")).as("recall of %d", s)
                        .isCloseTo((double) landed.get(s)[1] / examples, within(1e-6));
                Float precision = listed.get("find { it.segmentId == " + s + " }.precision");
                if (landed.get(s)[0] == 0) {
                    assertThat(precision).as("no example lands in %d: no precision", s).isNull();
                } else {
                    assertThat(precision).as("precision of %d", s).isNotNull();
                    assertThat(precision.doubleValue()).as("precision of %d", s)
                            .isCloseTo((double) landed.get(s)[1] / landed.get(s)[0], within(1e-6));
                }
            }

            // An erased shopper is no longer an example: their id and profile leave the seed.
            JsonPath receipt = given().delete("/v1/users/{u}", users.get(0)).then().statusCode(200).extract()
                    .jsonPath();
            assertThat(receipt.getLong("removed.seedExamples")).isEqualTo(1);
            JsonPath after = given().get("/v1/segments/seeded").then().statusCode(200).extract().jsonPath();
            assertThat(after.getList("find { it.segmentId == " + id + " }.userIds"))
                    .containsExactlyElementsOf(users.subList(1, 3));
            assertThat(after.getInt("find { it.segmentId == " + id + " }.examples")).isEqualTo(2);
            assertThat(seeds.examples().await().atMost(Duration.ofSeconds(5))).doesNotContain(users.get(0))
                    .contains(users.get(1));
            // Without examples the seed ends; the segment stays, as an ordinary one.
            given().contentType(ContentType.JSON).body(Map.of("userIds", users.subList(1, 3)))
                    .post("/v1/users/erasures").then().statusCode(200);
            assertThat(given().get("/v1/segments/seeded").then().statusCode(200).extract().jsonPath()
                    .getList("findAll { it.segmentId == " + id + " }")).isEmpty();
            assertThat(store.model().await().atMost(Duration.ofSeconds(5)).slotOf(id)).isNotNegative();
            assertThat(seeds.examples().await().atMost(Duration.ofSeconds(5))).doesNotContainAnyElementsOf(users);
        } finally {
            given().delete("/v1/segments/seeded/{id}", mats).then().statusCode(204);
            given().delete("/v1/segments/{id}/label", mats).then().statusCode(200);
            given().delete("/v1/segments/{id}/label", id).then().statusCode(200);
        }
    }

    private static double cosine(float[] a, float[] b) {
        double[] d = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            d[i] = b[i];
        }
        return cosine(a, d);
    }

    private static double cosine(float[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
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
