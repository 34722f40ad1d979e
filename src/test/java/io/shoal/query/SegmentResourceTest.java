package io.shoal.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.shoal.audit.SegmentMove;
import io.shoal.event.SegmentChangeEvent;
import io.shoal.testing.ShoalTestResources;
import io.shoal.testing.Management;

@QuarkusTest
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class SegmentResourceTest {

    @Inject
    QueryFixtures fixtures;

    @Inject
    SegmentChangeBroadcaster broadcaster;

    @Inject
    ObjectMapper mapper;

    @TestHTTPResource("/v1/segment-changes")
    String changesUrl;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void seed() {
        fixtures.seedModel();
    }

    @Test
    void userSegmentMirrorsTheGrpcAnswer() {
        String user = "rest-get-" + run;
        fixtures.seedUser(user, QueryFixtures.GARDEN, Instant.parse("2026-11-05T08:00:00Z"), 0.75, 0.2, null);
        given().when().get("/v1/users/{u}/segment", user).then().statusCode(200)
                .body("userId", equalTo(user))
                .body("segmentId", equalTo((int) QueryFixtures.GARDEN))
                .body("since", equalTo("2026-11-05T08:00:00Z"))
                .body("modelVersion", equalTo((int) QueryFixtures.MODEL_VERSION))
                .body("margin", equalTo(0.2f))
                .body("memberships.size()", equalTo(0));
    }

    @Test
    void unknownUserIs404WithAMessageAndBadInputIs400NamingTheParameter() {
        given().when().get("/v1/users/{u}/segment", "ghost-" + run).then().statusCode(404)
                .contentType(ContentType.JSON).body("message", containsString("ghost-" + run));
        given().when().get("/v1/users/{u}/segment", "x".repeat(129)).then().statusCode(400)
                .body("parameter", equalTo("userId")).body("message", containsString("129"));
        given().when().get("/v1/users/u/history?asOf=yesterday").then().statusCode(400)
                .body("parameter", equalTo("asOf")).body("message", containsString("yesterday"));
        given().when().get("/v1/users/u/history?page=-1").then().statusCode(400).body("parameter", equalTo("page"));
        given().when().get("/v1/users/u/history?page=two").then().statusCode(400).body("parameter", equalTo("page"));
        given().when().get("/v1/users/u/history?size=501").then().statusCode(400)
                .body("parameter", equalTo("size")).body("message", containsString("501"));
        given().when().get("/v1/users/u/history?size=0").then().statusCode(400).body("parameter", equalTo("size"));
        given().when().get("/v1/users/u/history?page=2147483647&size=500").then().statusCode(400)
                .body("parameter", equalTo("page"));
        given().when().get("/v1/segments?includeRetired=maybe").then().statusCode(400)
                .body("parameter", equalTo("includeRetired"));
        given().when().get("/v1/segment-changes?segment=abc").then().statusCode(400)
                .body("parameter", equalTo("segment"));
    }

    @Test
    void segmentsListLabelsSizesAndDescriptions() {
        given().when().get("/v1/segments").then().statusCode(200)
                .body("segments.segmentId", contains(101, 102, 103))
                .body("segments[0].label", equalTo("segment 101: cake, tins, pantry"))
                .body("segments[0].size", equalTo(5))
                .body("segments[0].retired", nullValue())
                .body("segments[1].description", hasItem("GARDEN KNEELING PAD"))
                .body("segments[2].created", equalTo("2026-01-01T00:00:00Z"));
    }

    @Test
    void historyPointInTimeMatchesTheHistoryTheTestCreated() {
        String user = "rest-hist-" + run;
        Instant t1 = Instant.parse("2026-10-01T00:00:00Z");
        Instant t2 = Instant.parse("2026-10-05T12:00:00Z");
        fixtures.recordMoves(List.of(
                new SegmentMove(user, null, QueryFixtures.LIGHTS, t1, 11, 0.4, 0.05, "assigned"),
                new SegmentMove(user, QueryFixtures.LIGHTS, QueryFixtures.CAKE, t2, 42, 0.3, 0.12, "moved")),
                List.of());
        given().when().get("/v1/users/{u}/history?asOf=2026-10-03T00:00:00Z", user).then().statusCode(200)
                .body("changes.toSegment", contains(101, 103))
                .body("changes[0].fromSegment", equalTo(103))
                .body("changes[1].fromSegment", nullValue())
                .body("inForce.segmentId", equalTo(103))
                .body("inForce.modelVersion", equalTo(11))
                .body("inForce.since", equalTo("2026-10-01T00:00:00Z"))
                .body("hasMore", equalTo(false));
        // At the instant of the move the new segment is in force.
        given().when().get("/v1/users/{u}/history?asOf=2026-10-05T12:00:00Z&size=1", user).then().statusCode(200)
                .body("changes.size()", equalTo(1))
                .body("hasMore", equalTo(true))
                .body("inForce.segmentId", equalTo(101))
                .body("inForce.modelVersion", equalTo(42));
        given().when().get("/v1/users/{u}/history?asOf=2026-09-30T00:00:00Z&page=1&size=1", user).then()
                .statusCode(200)
                .body("changes.toSegment", contains(103))
                .body("inForce", nullValue());
    }

    @Test
    void serverSentEventsCarryTheChangesOfTheChosenSegment() throws Exception {
        String user = "rest-sse-" + run;
        List<String> data = new CopyOnWriteArrayList<>();
        int before = broadcaster.watcherCount();
        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<Stream<String>>> response = http.sendAsync(
                HttpRequest.newBuilder(URI.create(changesUrl + "?segment=102"))
                        .header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> stream = response.get(10, TimeUnit.SECONDS);
        assertThat(stream.statusCode()).isEqualTo(200);
        Thread reader = new Thread(() -> {
            try {
                stream.body().filter(l -> l.startsWith("data:")).forEach(l -> data.add(l.substring(5).trim()));
            } catch (UncheckedIOException closedByTheTest) {
                // The test closes the stream when it has what it needs.
            }
        });
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> broadcaster.watcherCount() > before);
        broadcaster.publish(new SegmentChangeEvent(SegmentChangeEvent.Kind.EXITED, 101, user, 102L,
                Instant.parse("2026-11-28T00:00:00Z"), 9, "moved", 0.8, 0.1));
        broadcaster.publish(new SegmentChangeEvent(SegmentChangeEvent.Kind.ENTERED, 102, user, 101L,
                Instant.parse("2026-11-28T00:00:00Z"), 9, "moved", 0.8, 0.1));
        await().atMost(Duration.ofSeconds(10)).until(() -> !data.isEmpty());
        stream.body().close();
        SegmentChangeEvent event = mapper.readValue(data.get(0), SegmentChangeEvent.class);
        assertThat(event.kind()).isEqualTo(SegmentChangeEvent.Kind.ENTERED);
        assertThat(event.segmentId()).isEqualTo(102);
        assertThat(event.userId()).isEqualTo(user);
        assertThat(event.otherSegmentId()).isEqualTo(101L);
        assertThat(data).hasSize(1);
    }

    @Test
    void mirrorsAreDocumentedInTheOpenApi() {
        Management.given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/v1/users/{userId}/segment'.get.summary", equalTo("A user's current segment"))
                .body("paths.'/v1/segments'.get.summary", equalTo("The segments"))
                .body("paths.'/v1/users/{userId}/history'.get.summary", equalTo("A user's segment changes"))
                .body("paths.'/v1/segment-changes'.get.summary",
                        equalTo("Live segment changes (Server-Sent Events)"));
    }
}
