package io.shoal.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.shoal.ingest.IdentityMergeTest;
import io.shoal.ingest.TrackingProfile;
import io.shoal.pipeline.InFlightLimiter;
import io.shoal.query.grpc.RecommendRequest;
import io.shoal.query.grpc.RecommendResponse;
import io.shoal.query.grpc.SegmentServiceGrpc.SegmentServiceBlockingStub;
import io.shoal.segmenting.SegmentModelManager;
import io.shoal.store.SegmentStore;
import io.shoal.testing.ShoalTestResources;
import io.shoal.testing.Management;

/**
 * The recommendation API over the real pipeline, Redis, HTTP and gRPC: events in through /v1/events, the state kept
 * by the pipeline, lists out with true reasons; REST and gRPC agree; cold start; bad parameters named.
 */
@QuarkusTest
@TestProfile(TrackingProfile.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class RecommendationResourceTest {

    @Inject
    SegmentStore store;

    @Inject
    SegmentModelManager manager;

    @Inject
    InFlightLimiter limiter;

    @GrpcClient("segments")
    SegmentServiceBlockingStub grpc;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void aModelExists() {
        IdentityMergeTest.seedModel(store, limiter, manager);
    }

    private void post(List<Map<String, Object>> events) {
        given().contentType(ContentType.JSON).body(events).post("/v1/events").then().statusCode(202);
        IdentityMergeTest.awaitQuiet(limiter, manager);
    }

    private static Map<String, Object> event(String id, String user, String type, String item, String text,
            Instant at) {
        return Map.of("eventId", id, "userId", user, "type", type, "itemId", item, "text", text, "occurredAt",
                at.toString());
    }

    private static JsonPath recommend(String user, String query) {
        return given().get("/v1/users/" + user + "/recommendations" + query).then().statusCode(200).extract()
                .jsonPath();
    }

    @Test
    void ownItemsComeWithTrueReasonsAndRestAndGrpcAgree() {
        String user = "rec-" + run;
        Instant t = Instant.now().minus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(event(run + "-a" + i, user, "purchase", "sku-a-" + run, IdentityMergeTest.text(1, 0),
                    t.plus(i, ChronoUnit.DAYS)));
        }
        events.add(event(run + "-b", user, "purchase", "sku-b-" + run, IdentityMergeTest.text(1, 1),
                t.plus(3, ChronoUnit.DAYS)));
        events.add(event(run + "-c", user, "view", "sku-c-" + run, IdentityMergeTest.text(1, 2),
                t.plus(4, ChronoUnit.DAYS)));
        post(events);

        JsonPath personal = recommend(user, "?strategy=personal");
        assertThat(personal.getString("strategy")).isEqualTo("personal");
        assertThat(personal.getString("recommendationId")).startsWith("personal-");
        assertThat(personal.getBoolean("coldStart")).isFalse();
        assertThat(personal.getList("items.itemId")).containsExactly("sku-a-" + run, "sku-b-" + run, "sku-c-" + run);
        assertThat(personal.getString("items[0].reason")).isEqualTo("you bought it 3 times, last on "
                + t.plus(2, ChronoUnit.DAYS).atOffset(ZoneOffset.UTC).toLocalDate());
        assertThat(personal.getString("items[0].text")).isEqualTo(IdentityMergeTest.text(1, 0));
        assertThat(personal.getString("items[1].reason")).startsWith("you bought it once, last on ");
        assertThat(personal.getString("items[2].reasonKind")).isEqualTo("interested_before");

        // The default is blended (everyone, by the default split); the segment is the shopper's.
        JsonPath blended = recommend(user, "");
        assertThat(blended.getString("strategy")).isEqualTo("blended");
        Long segment = given().get("/v1/users/" + user + "/segment").then().statusCode(200).extract().jsonPath()
                .getLong("segmentId");
        assertThat(blended.getLong("segmentId")).isEqualTo(segment);
        assertThat(blended.getList("items.itemId")).contains("sku-a-" + run).hasSizeLessThanOrEqualTo(10);

        for (String strategy : List.of("blended", "segment", "personal", "global")) {
            JsonPath rest = recommend(user, "?strategy=" + strategy + "&limit=5");
            RecommendResponse g = grpc.recommend(RecommendRequest.newBuilder().setUserId(user).setStrategy(strategy)
                    .setLimit(5).build());
            assertThat(g.getStrategy()).isEqualTo(strategy);
            assertThat(g.getSegmentId()).isEqualTo(segment);
            assertThat(g.getSegmentLabel()).isEqualTo(rest.getString("segmentLabel"));
            // gRPC has no null: an item known only by its text has an empty item id there.
            assertThat(g.getItemsList()).extracting(i -> i.getItemId()).as(strategy)
                    .isEqualTo(rest.getList("items.itemId").stream().map(id -> id == null ? "" : id).toList());
            assertThat(g.getItemsList()).extracting(i -> i.getReason()).as(strategy)
                    .isEqualTo(rest.getList("items.reason"));
        }
    }

    @Test
    void anExcludedItemIsNeitherLearnedNorRecommendedButItsEventsStillCountForTheSegment() {
        // The profile excludes keys matching fee-.* (a shop's postage and fees).
        String user = "fees-" + run;
        String fee = "fee-postage-" + run;
        Instant t = Instant.now().minus(5, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        post(List.of(event(run + "-p", user, "purchase", "sku-p-" + run, IdentityMergeTest.text(2, 0), t),
                event(run + "-f1", user, "purchase", fee, "POSTAGE", t),
                event(run + "-f2", user, "purchase", fee, "POSTAGE", t.plus(1, ChronoUnit.DAYS)),
                event(run + "-f3", "only-" + user, "purchase", fee, "POSTAGE", t)));
        // Bought twice, the fee would lead the shopper's own items; it is not there at all.
        assertThat(recommend(user, "?strategy=personal").getList("items.itemId"))
                .containsExactly("sku-p-" + run);
        assertThat(recommend(user, "?strategy=global&limit=100").getList("items.itemId")).doesNotContain(fee);
        // A shopper whose only event is a fee has a segment (the event was applied to the profile) and nothing of
        // their own to be recommended.
        given().get("/v1/users/only-" + user + "/segment").then().statusCode(200);
        assertThat(recommend("only-" + user, "?strategy=personal").getList("items.itemId")).isEmpty();
    }

    @Test
    void anItemOftenBoughtWithAnOwnItemIsRecommendedWithThatReason() {
        // Three shoppers buy baskets of the lid with the tin and two more items of kind 2 (so they sit in another
        // segment, whose popularity the shopper does not see); the shopper buys the tin three times. So the lid can
        // only come to them as bought with the tin.
        String tin = "tin-" + run;
        String lid = "lid-" + run;
        String tinText = IdentityMergeTest.text(1, 0);
        Instant t = Instant.now().minus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        List<Map<String, Object>> events = new ArrayList<>();
        for (int o = 0; o < 3; o++) {
            String other = "with-" + o + "-" + run;
            Instant at = t.plus(o, ChronoUnit.HOURS);
            events.add(event(run + "-w" + o + "a", other, "purchase", tin, tinText, at));
            events.add(event(run + "-w" + o + "b", other, "purchase", lid, IdentityMergeTest.text(2, 0), at));
            events.add(event(run + "-w" + o + "c", other, "purchase", "k2a-" + run, IdentityMergeTest.text(2, 1), at));
            events.add(event(run + "-w" + o + "d", other, "purchase", "k2b-" + run, IdentityMergeTest.text(2, 2), at));
        }
        String user = "with-me-" + run;
        for (int i = 0; i < 3; i++) {
            events.add(event(run + "-me" + i, user, "purchase", tin, tinText, t.plus(i + 1, ChronoUnit.DAYS)));
        }
        post(events);

        JsonPath blended = recommend(user, "?strategy=blended&limit=50");
        List<String> ids = blended.getList("items.itemId");
        assertThat(ids).contains(tin, lid);
        int at = ids.indexOf(lid);
        assertThat(blended.getString("items[" + at + "].reasonKind")).isEqualTo("bought_with");
        assertThat(blended.getString("items[" + at + "].reason")).startsWith("often bought with '" + tinText
                + "' (in ").endsWith("% of its baskets)");
        RecommendResponse g = grpc.recommend(RecommendRequest.newBuilder().setUserId(user).setStrategy("blended")
                .setLimit(50).build());
        // (Compared by the lid's reason: a segment's label may be refreshed between the two calls.)
        assertThat(g.getItemsList()).filteredOn(i -> i.getItemId().equals(lid)).extracting(i -> i.getReason())
                .containsExactly(blended.getString("items[" + at + "].reason"));
        // The personal list never has it: it is not the shopper's.
        assertThat(recommend(user, "?strategy=personal").getList("items.itemId")).containsExactly(tin);
    }

    @Test
    void theSegmentStrategyNamesTheSegmentByItsLabel() {
        // Labels come from a snapshot refreshed in the background (a query never waits for it): once it holds the
        // segment's description, both APIs say the same.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            String now = segmentLabel("seed-k0-u0");
            return !now.matches("segment \\d+")
                    && now.equals(recommend("seed-k0-u0", "?strategy=segment").getString("segmentLabel"));
        });
        String label = segmentLabel("seed-k0-u0");
        JsonPath seg = recommend("seed-k0-u0", "?strategy=segment");
        assertThat(seg.getList("items")).isNotEmpty();
        assertThat(seg.getList("items.reasonKind")).containsOnly("popular_in_segment");
        assertThat(seg.getString("items[0].reason")).startsWith("popular in your segment '" + label + "' lately");
    }

    private static String segmentLabel(String user) {
        return given().get("/v1/users/" + user + "/segment").then().statusCode(200).extract().jsonPath()
                .getString("segmentLabel");
    }

    @Test
    void aShopperShoalDoesNotKnowGetsTheGlobalListWithTheColdStartReason() {
        JsonPath cold = recommend("never-seen-" + run, "?limit=3");
        assertThat(cold.getBoolean("coldStart")).isTrue();
        assertThat(cold.getList("items")).hasSize(3);
        assertThat(cold.getList("items.reasonKind")).containsOnly("cold_start");
        assertThat(cold.getString("items[0].reason")).startsWith("new here: popular with all shoppers lately");
        assertThat(cold.getList("items.itemId")).isEqualTo(recommend("never-seen-" + run, "?limit=3&strategy=global")
                .getList("items.itemId"));
    }

    @Test
    void justBoughtItemsCanBeLeftOut() {
        String user = "recent-" + run;
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        post(List.of(event(run + "-old", user, "purchase", "sku-old-" + run, IdentityMergeTest.text(2, 0),
                now.minus(5, ChronoUnit.DAYS)), event(run + "-new", user, "purchase", "sku-new-" + run,
                        IdentityMergeTest.text(2, 1), now.minus(1, ChronoUnit.HOURS))));
        assertThat(recommend(user, "?strategy=personal").getList("items.itemId"))
                .containsExactly("sku-new-" + run, "sku-old-" + run);
        assertThat(recommend(user, "?strategy=personal&excludeRecent=true").getList("items.itemId"))
                .containsExactly("sku-old-" + run);
    }

    /** Per strategy, the sums over segments of impressions, clicks, conversions. */
    private static Map<String, long[]> totals() {
        JsonPath stats = given().get("/v1/recommendations/stats").then().statusCode(200).extract().jsonPath();
        Map<String, long[]> out = new java.util.HashMap<>();
        for (Map<String, Object> row : stats.<Map<String, Object>>getList("rows")) {
            long[] t = out.computeIfAbsent((String) row.get("strategy"), k -> new long[3]);
            t[0] += ((Number) row.get("impressions")).longValue();
            t[1] += ((Number) row.get("clicks")).longValue();
            t[2] += ((Number) row.get("conversions")).longValue();
        }
        return out;
    }

    private static Map<String, Object> feedback(String id, String user, String type, String item, String rid,
            Instant at) {
        return Map.of("eventId", id, "userId", user, "type", type, "itemId", item, "recommendationId", rid,
                "occurredAt", at.toString());
    }

    @Test
    void feedbackCountersAreExactOnAScriptedStream() {
        String user = "fb-" + run;
        Instant t = Instant.now().minus(20, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        post(List.of(event(run + "-p", user, "purchase", "sku-p-" + run, IdentityMergeTest.text(3, 0), t)));
        String rid = recommend(user, "?strategy=global").getString("recommendationId");
        assertThat(rid).startsWith("global-");
        long[] before = totals().getOrDefault("global", new long[3]);
        // Three items shown, one clicked; x bought an hour later (converts) and again (no second conversion), y
        // bought after its click (converts), z bought 8 days later (past the 7-day window: does not).
        Instant shown = t.plus(1, ChronoUnit.HOURS);
        post(List.of(feedback(run + "-ix", user, "impression", "x-" + run, rid, shown),
                feedback(run + "-iy", user, "impression", "y-" + run, rid, shown),
                feedback(run + "-iz", user, "impression", "z-" + run, rid, shown),
                feedback(run + "-cy", user, "click", "y-" + run, rid, shown.plusSeconds(30))));
        post(List.of(event(run + "-bx", user, "purchase", "x-" + run, IdentityMergeTest.text(3, 1),
                shown.plus(1, ChronoUnit.HOURS)), event(run + "-bx2", user, "purchase", "x-" + run,
                        IdentityMergeTest.text(3, 1), shown.plus(2, ChronoUnit.HOURS)),
                event(run + "-by", user, "purchase", "y-" + run, IdentityMergeTest.text(3, 2),
                        shown.plus(3, ChronoUnit.HOURS)),
                event(run + "-bz", user, "purchase", "z-" + run, IdentityMergeTest.text(3, 3),
                        shown.plus(8, ChronoUnit.DAYS))));
        // The same events again (a client retry): deduplicated, nothing counts twice.
        given().contentType(ContentType.JSON).body(List.of(feedback(run + "-ix", user, "impression", "x-" + run, rid,
                shown))).post("/v1/events").then().statusCode(202).body("duplicates", org.hamcrest.Matchers.equalTo(1));
        IdentityMergeTest.awaitQuiet(limiter, manager);

        long[] after = totals().get("global");
        assertThat(new long[] {after[0] - before[0], after[1] - before[1], after[2] - before[2]})
                .containsExactly(3, 1, 2);
        JsonPath stats = given().get("/v1/recommendations/stats").then().statusCode(200).extract().jsonPath();
        Map<String, Object> row = stats.<Map<String, Object>>getList("rows").stream()
                .filter(r -> "global".equals(r.get("strategy"))).findFirst().orElseThrow();
        // (JsonPath reads JSON numbers as floats.)
        assertThat(((Number) row.get("ctr")).doubleValue()).isCloseTo(
                ((Number) row.get("clicks")).doubleValue() / ((Number) row.get("impressions")).doubleValue(),
                org.assertj.core.api.Assertions.within(1e-6));
        // gRPC says the same.
        var g = grpc.getRecommendationStats(io.shoal.query.grpc.GetRecommendationStatsRequest.getDefaultInstance());
        assertThat(g.getRowsList().stream().filter(r -> r.getStrategy().equals("global"))
                .mapToLong(r -> r.getConversions()).sum()).isEqualTo(after[2]);
        // The shopper's segment, read alone, carries the same rows as the stats filtered to it.
        Object segment = given().get("/v1/users/" + user + "/segment").then().statusCode(200).extract().path(
                "segmentId");
        JsonPath filtered = given().get("/v1/recommendations/stats?segmentId=" + segment).then().statusCode(200)
                .extract().jsonPath();
        JsonPath detail = given().get("/v1/segments/" + segment).then().statusCode(200).extract().jsonPath();
        assertThat(detail.getLong("segment.segmentId")).isEqualTo(((Number) segment).longValue());
        assertThat(detail.<Map<String, Object>>getList("recommendations")).isNotEmpty()
                .isEqualTo(filtered.<Map<String, Object>>getList("rows"));
        assertThat(detail.<Map<String, Object>>getList("recommendations").stream()
                .filter(r -> "global".equals(r.get("strategy")))
                .mapToLong(r -> ((Number) r.get("impressions")).longValue()).sum()).isGreaterThanOrEqualTo(3);
        var grpcDetail = grpc.getSegment(io.shoal.query.grpc.GetSegmentRequest.newBuilder()
                .setSegmentId(((Number) segment).longValue()).build());
        assertThat(grpcDetail.getSegment().getSegmentId()).isEqualTo(((Number) segment).longValue());
        assertThat(grpcDetail.getRecommendationsList()).extracting(r -> r.getStrategy() + ":" + r.getImpressions()
                + ":" + r.getClicks() + ":" + r.getConversions()).as("gRPC GetSegment = REST")
                .containsExactlyElementsOf(detail.<Map<String, Object>>getList("recommendations").stream()
                        .map(r -> r.get("strategy") + ":" + r.get("impressions") + ":" + r.get("clicks") + ":"
                                + r.get("conversions")).toList());
        // And Prometheus.
        String metrics = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).containsPattern("shoal_recommendation_feedback_total\\{kind=\"conversions\","
                + "segment=\"[^\"]+\","
                + "strategy=\"global\"\\} [1-9]");
    }

    @Test
    void feedbackWithoutAValidRecommendationIdIsRejectedByField() {
        given().contentType(ContentType.JSON).body(List.of(Map.of("userId", "u", "type", "impression", "itemId",
                "x"))).post("/v1/events").then().statusCode(400)
                .body(org.hamcrest.Matchers.containsString("recommendationId is required for type impression"));
        given().contentType(ContentType.JSON).body(List.of(Map.of("userId", "u", "type", "click", "itemId", "x",
                "recommendationId", "bogus"))).post("/v1/events").then().statusCode(400)
                .body(org.hamcrest.Matchers.containsString("recommendationId must be an id the recommendation API"));
    }

    @Test
    void aSegmentNobodyKnowsIs404AndABadIdIsNamed() {
        given().get("/v1/segments/987654321").then().statusCode(404)
                .body("parameter", org.hamcrest.Matchers.equalTo("segmentId"))
                .body("message", org.hamcrest.Matchers.containsString("no live or recently retired segment 987654321"));
        given().get("/v1/segments/abc").then().statusCode(400)
                .body("parameter", org.hamcrest.Matchers.equalTo("segmentId"));
        given().get("/v1/segments/seeded").then().statusCode(200);
        assertThatThrownBy(() -> grpc.getSegment(io.shoal.query.grpc.GetSegmentRequest.newBuilder()
                .setSegmentId(987654321).build())).hasMessageContaining("NOT_FOUND")
                .hasMessageContaining("no live or recently retired segment 987654321");
    }

    @Test
    void badParametersAreNamed() {
        given().get("/v1/users/u/recommendations?limit=0").then().statusCode(400)
                .body("parameter", org.hamcrest.Matchers.equalTo("limit"))
                .body("message", org.hamcrest.Matchers.equalTo("limit must be between 1 and 100 but was 0"));
        given().get("/v1/users/u/recommendations?limit=ten").then().statusCode(400)
                .body("parameter", org.hamcrest.Matchers.equalTo("limit"));
        given().get("/v1/users/u/recommendations?strategy=magic").then().statusCode(400)
                .body("parameter", org.hamcrest.Matchers.equalTo("strategy"))
                .body("message", org.hamcrest.Matchers.containsString("'magic'"));
        given().get("/v1/users/u/recommendations?excludeRecent=maybe").then().statusCode(400)
                .body("parameter", org.hamcrest.Matchers.equalTo("excludeRecent"));
        given().get("/v1/users/" + "x".repeat(129) + "/recommendations").then().statusCode(400)
                .body("parameter", org.hamcrest.Matchers.equalTo("userId"));
        assertThatThrownBy(() -> grpc.recommend(RecommendRequest.newBuilder().setUserId("u").setStrategy("magic")
                .build())).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("strategy");
                });
    }
}
