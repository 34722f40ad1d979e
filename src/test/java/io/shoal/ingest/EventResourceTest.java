package io.shoal.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.shoal.store.RedisKeys;
import io.shoal.testing.Events;
import io.shoal.testing.ShoalTestResources;
import io.shoal.testing.Management;
import jakarta.inject.Inject;

@QuarkusTest
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class EventResourceTest {

    @Inject
    RedisDataSource redis;

    @Inject
    RedisKeys keys;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private long activity(String userId, String field) {
        String v = redis.hash(String.class).hget(keys.userActivity(userId), field);
        return v == null ? 0 : Long.parseLong(v);
    }

    @Test
    void singleEventIsAcceptedAndCounted() {
        String user = "single-" + run;
        given().contentType(ContentType.JSON).body(Events.view("e-" + run, user, "Red retrospot mug"))
                .when().post("/v1/events")
                .then().statusCode(202)
                .body("accepted", equalTo(1)).body("duplicates", equalTo(0)).body("rejected", hasSize(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> activity(user, "view") == 1);
    }

    @Test
    void batchIsAcceptedAndEveryEventReachesRedis() {
        String user = "batch-" + run + "-";
        List<Map<String, Object>> events = Events.views("b-" + run + "-", user, 5, 500);
        given().contentType(ContentType.JSON).body(events)
                .when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(500));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            long sum = 0;
            for (int u = 0; u < 5; u++) {
                sum += activity(user + u, "total");
            }
            return sum == 500;
        });
        assertThat(activity(user + "0", "view")).isEqualTo(100);
    }

    @Test
    void mixedBatchAcceptsTheValidEventsAndNamesTheInvalidFields() {
        String user = "mixed-" + run;
        List<Object> events = new ArrayList<>();
        events.add(Events.view("m1-" + run, user, "Jumbo bag red retrospot"));
        events.add(Map.of("userId", user, "type", "levitate", "text", "x"));
        events.add(Events.view("m3-" + run, user, "Lunch bag pink polkadot"));
        events.add(Map.of("userId", user, "type", "view", "text", "x", "price", -2));
        events.add("not an object");
        given().contentType(ContentType.JSON).body(events)
                .when().post("/v1/events")
                .then().statusCode(202)
                .body("accepted", equalTo(2))
                .body("rejected", hasSize(3))
                .body("rejected[0].index", equalTo(1)).body("rejected[0].field", equalTo("type"))
                .body("rejected[1].index", equalTo(3)).body("rejected[1].field", equalTo("price"))
                .body("rejected[1].message", containsString("-2"))
                .body("rejected[2].index", equalTo(4)).body("rejected[2].field", equalTo("event"));
        await().atMost(Duration.ofSeconds(10)).until(() -> activity(user, "view") == 2);
    }

    @Test
    void nothingValidIs400WithTheDetail() {
        given().contentType(ContentType.JSON).body(List.of(Map.of("type", "view", "text", "x")))
                .when().post("/v1/events")
                .then().statusCode(400)
                .body("accepted", equalTo(0))
                .body("rejected[0].field", equalTo("userId"))
                .body("rejected[0].message", containsString("required"));
    }

    @Test
    void notJsonAndWrongShapesAre400NamingTheBody() {
        given().contentType(ContentType.JSON).body("{not json")
                .when().post("/v1/events")
                .then().statusCode(400).body("rejected[0].field", equalTo("body"))
                .body("rejected[0].message", containsString("JSON"));
        given().contentType(ContentType.JSON).body("42")
                .when().post("/v1/events")
                .then().statusCode(400).body("rejected[0].field", equalTo("body"));
        given().contentType(ContentType.JSON).body("[]")
                .when().post("/v1/events")
                .then().statusCode(400).body("rejected[0].message", containsString("empty"));
        given().contentType(ContentType.JSON).body("")
                .when().post("/v1/events")
                .then().statusCode(400).body("rejected[0].field", equalTo("body"));
    }

    @Test
    void duplicateEventIdsAreCountedOnceAcrossAndWithinRequests() {
        String user = "dup-" + run;
        Map<String, Object> e = Events.view("dup-" + run, user, "Set of 3 cake tins");
        given().contentType(ContentType.JSON).body(e).when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(1)).body("duplicates", equalTo(0));
        given().contentType(ContentType.JSON).body(e).when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(0)).body("duplicates", equalTo(1));
        Map<String, Object> other = Events.view("dup2-" + run, user, "Set of 3 cake tins");
        given().contentType(ContentType.JSON).body(List.of(e, other, other)).when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(1)).body("duplicates", equalTo(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> activity(user, "view") == 2);
        // Nothing more arrives later: the count stays at the two distinct ids.
        assertThat(activity(user, "total")).isEqualTo(2);
    }

    @Test
    void theSameEventIdFromTwoShoppersIsTwoEventsAndBothAreApplied() {
        String a = "shared-a-" + run;
        String b = "shared-b-" + run;
        String id = "shared-" + run;
        given().contentType(ContentType.JSON).body(Events.view(id, a, "Set of 3 cake tins")).when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(1)).body("duplicates", equalTo(0));
        given().contentType(ContentType.JSON).body(List.of(Events.view(id, b, "Set of 3 cake tins"),
                Events.view(id, a, "Set of 3 cake tins"))).when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(1)).body("duplicates", equalTo(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> activity(a, "view") == 1 && activity(b, "view") == 1);
    }

    @Test
    void poisonFieldsNextToGoodEventsAre400ForThemAndTheGoodOnesAreApplied() {
        String user = "mixed-poison-" + run;
        List<Object> body = List.of(Events.view("mp1-" + run, user, "Set of 3 cake tins"),
                Map.of("userId", "a\u0000b", "type", "view", "text", "t"),
                Map.of("userId", user, "type", "view", "text", "t", "occurredAt", "0001-01-01T00:00:00Z"),
                Events.view("mp2-" + run, user, "Set of 3 cake tins"));
        given().contentType(ContentType.JSON).body(body).when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(2))
                .body("rejected.field", contains("userId", "occurredAt"))
                .body("rejected.index", contains(1, 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> activity(user, "view") == 2);
    }

    @Test
    void queriesWithIdsNoEventCouldCarryAre400NotServerErrors() {
        for (String path : List.of("/v1/users/a%00b/history", "/v1/users/a%00b/segment",
                "/v1/users/a%1Bb/history?asOf=2026-01-01T00:00:00Z")) {
            given().urlEncodingEnabled(false).when().get(path).then().log().ifValidationFails().statusCode(400).body("parameter", equalTo("userId"));
        }
    }

    @Test
    void moreEventsThanAllowedIs413() {
        given().contentType(ContentType.JSON).body(Events.views("big-" + run, "big", 3, 1001))
                .when().post("/v1/events")
                .then().statusCode(413).body("error", containsString("1000"));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        Management.given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", org.hamcrest.Matchers.hasItems("pipeline"));
        Management.given().when().get("/q/health/live").then().statusCode(200);
        Management.given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("shoal_ingest_events_total"))
                .body(containsString("shoal_pipeline_in_flight"));
        Management.given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/v1/events'.post", notNullValue());
    }
}
