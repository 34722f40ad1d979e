package io.shoal.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import io.shoal.query.grpc.ExplainRequest;
import io.shoal.query.grpc.ExplanationResponse;
import io.shoal.query.grpc.SegmentServiceGrpc.SegmentServiceBlockingStub;
import io.shoal.segmenting.SegmentModelManager;
import io.shoal.store.SegmentStore;
import io.shoal.testing.ShoalTestResources;

/**
 * Explanations and named segments over the real pipeline, Redis, PostgreSQL, HTTP and gRPC: a shopper buys cake
 * things, then Christmas things, and moves; the explanation names the items that pull, the move's cause and exactly
 * the events after the previous decision; REST and gRPC agree; a marketer's name for the segment shows everywhere and
 * can be taken back.
 */
@QuarkusTest
@TestProfile(TrackingProfile.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class ExplanationResourceTest {

    private static final int CAKE = 1;
    private static final int CHRISTMAS = 2;

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

    private static Map<String, Object> purchase(String id, String user, String text, Instant at) {
        return Map.of("eventId", id, "userId", user, "type", "purchase", "text", text, "occurredAt", at.toString());
    }

    private static long segmentOf(String user) {
        return given().get("/v1/users/{u}/segment", user).then().statusCode(200).extract().jsonPath()
                .getLong("segmentId");
    }

    @Test
    void aMoveIsExplainedByTheItemsThatPullAndTheEventsSinceThePreviousDecision() {
        String user = "explain-" + run;
        Instant t = Instant.parse("2026-11-30T08:00:00Z");
        List<Map<String, Object>> cake = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            cake.add(purchase(run + "-c" + i, user, IdentityMergeTest.text(CAKE, i), t.plusSeconds(i)));
        }
        post(cake);
        long first = segmentOf(user);
        List<Map<String, Object>> christmas = new ArrayList<>();
        Set<String> christmasTexts = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            String text = IdentityMergeTest.text(CHRISTMAS, i);
            christmasTexts.add(text);
            christmas.add(purchase(run + "-x" + i, user, text, t.plusSeconds(3600 + i)));
        }
        post(christmas);
        long now = segmentOf(user);
        assertThat(now).as("eight Christmas purchases after three cake ones move the shopper").isNotEqualTo(first);

        JsonPath x = given().get("/v1/users/{u}/explanation", user).then().statusCode(200).extract().jsonPath();
        assertThat(x.getLong("segment.segmentId")).isEqualTo(now);
        double similarity = x.getDouble("segment.similarity");
        double runnerUp = x.getDouble("runnerUp.similarity");
        assertThat(similarity).isGreaterThanOrEqualTo(runnerUp);
        assertThat(x.getDouble("margin")).isCloseTo(similarity - runnerUp, within(1e-6));
        // The items that pull toward the Christmas segment are the Christmas purchases, strongest first.
        List<Map<String, Object>> pulls = x.getList("topItems");
        assertThat(pulls).isNotEmpty();
        double previous = Double.MAX_VALUE;
        double shares = 0;
        for (Map<String, Object> p : pulls) {
            double c = ((Number) p.get("contribution")).doubleValue();
            assertThat(c).isLessThanOrEqualTo(previous).isCloseTo(((Number) p.get("weight")).doubleValue()
                    * ((Number) p.get("similarity")).doubleValue(), within(1e-6));
            previous = c;
            shares += ((Number) p.get("share")).doubleValue();
        }
        assertThat(shares).isLessThanOrEqualTo(1.0 + 1e-6);
        assertThat(christmasTexts).contains((String) pulls.get(0).get("text"));
        // The last move: by behaviour, from the cake segment, with the Christmas purchases after the first decision
        // (up to the move's event time) and nothing from before it.
        assertThat(x.getString("lastMove.reason")).isEqualTo("moved");
        assertThat(x.getString("lastMove.cause")).isEqualTo("behaviour");
        assertThat(x.getLong("lastMove.fromSegment")).isEqualTo(first);
        assertThat(x.getLong("lastMove.toSegment")).isEqualTo(now);
        Instant at = Instant.parse(x.getString("lastMove.at"));
        Instant previousAt = Instant.parse(x.getString("lastMove.previousAt"));
        List<Map<String, Object>> events = x.getList("lastMove.events");
        long expected = christmas.stream().filter(e -> !Instant.parse((String) e.get("occurredAt")).isAfter(at))
                .count();
        assertThat(events).hasSize((int) expected).isNotEmpty();
        for (Map<String, Object> e : events) {
            assertThat(e.get("type")).isEqualTo("purchase");
            assertThat(christmasTexts).contains((String) e.get("text"));
            Instant when = Instant.parse((String) e.get("at"));
            assertThat(when).isAfter(previousAt).isBeforeOrEqualTo(at);
        }

        // gRPC answers the same.
        ExplanationResponse g = grpc.explain(ExplainRequest.newBuilder().setUserId(user).build());
        assertThat(g.getSegment().getSegmentId()).isEqualTo(now);
        assertThat(g.getRunnerUp().getSegmentId()).isEqualTo(x.getLong("runnerUp.segmentId"));
        assertThat(g.getMargin()).isCloseTo(x.getDouble("margin"), within(1e-6));
        assertThat(g.getTopItemsList()).extracting(io.shoal.query.grpc.ItemPull::getText)
                .containsExactlyElementsOf(pulls.stream().map(p -> (String) p.get("text")).toList());
        assertThat(g.getLastMove().getCause()).isEqualTo("behaviour");
        assertThat(g.getLastMove().getEventsCount()).isEqualTo(events.size());
    }

    @Test
    void unknownShoppersAndBadIdsAreNamed() {
        given().get("/v1/users/{u}/explanation", "nobody-" + run).then().statusCode(404);
        given().get("/v1/users/{u}/explanation", "x".repeat(129)).then().statusCode(400)
                .body("parameter", equalTo("userId"));
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
                () -> grpc.explain(ExplainRequest.newBuilder().setUserId("nobody-" + run).build())).getStatus()
                .getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void aNamedSegmentIsShownByItsNameUntilTheNameIsTakenBack() {
        String user = "named-" + run;
        post(List.of(purchase(run + "-n0", user, IdentityMergeTest.text(CAKE, 0), Instant.parse(
                "2026-11-30T09:00:00Z")), purchase(run + "-n1", user, IdentityMergeTest.text(CAKE, 1), Instant.parse(
                        "2026-11-30T09:00:01Z"))));
        long segment = segmentOf(user);
        try {
            given().contentType(ContentType.JSON).body(Map.of("label", "  Bakers  "))
                    .put("/v1/segments/{id}/label", segment).then().statusCode(200)
                    .body("label", equalTo("Bakers")).body("named", equalTo(true));
            JsonPath listing = given().get("/v1/segments").then().statusCode(200).extract().jsonPath();
            assertThat(listing.getString("segments.find { it.segmentId == " + segment + " }.label"))
                    .isEqualTo("Bakers");
            assertThat(listing.getBoolean("segments.find { it.segmentId == " + segment + " }.named")).isTrue();
            assertThat(listing.getList("segments.find { it.segmentId == " + segment + " }.terms")).isNotEmpty();
            given().get("/v1/users/{u}/segment", user).then().statusCode(200).body("segmentLabel",
                    equalTo("Bakers"));

            given().contentType(ContentType.JSON).body(Map.of("label", " ")).put("/v1/segments/{id}/label", segment)
                    .then().statusCode(400).body("parameter", equalTo("label"));
            given().contentType(ContentType.JSON).body(Map.of("label", "a\u0000b"))
                    .put("/v1/segments/{id}/label", segment).then().statusCode(400).body("parameter", equalTo("label"));
            given().contentType(ContentType.JSON).body(Map.of("label", "x".repeat(81)))
                    .put("/v1/segments/{id}/label", segment).then().statusCode(400).body("parameter", equalTo("label"));
            given().contentType(ContentType.JSON).body(Map.of()).put("/v1/segments/{id}/label", segment)
                    .then().statusCode(400).body("parameter", equalTo("label"));
            given().contentType(ContentType.JSON).body(Map.of("label", "ghosts"))
                    .put("/v1/segments/{id}/label", 987654321L).then().statusCode(404)
                    .body("parameter", equalTo("segmentId"));
            given().contentType(ContentType.JSON).body(Map.of("label", "ghosts"))
                    .put("/v1/segments/{id}/label", "abc").then().statusCode(400)
                    .body("parameter", equalTo("segmentId"));
        } finally {
            given().delete("/v1/segments/{id}/label", segment).then().statusCode(200).body("named", equalTo(false))
                    .body("label", startsWith("segment " + segment));
        }
        given().get("/v1/users/{u}/segment", user).then().statusCode(200).body("segmentLabel",
                startsWith("segment " + segment));
    }
}
