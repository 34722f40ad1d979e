package io.shoal.privacy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.shoal.audit.AuditRelay;
import io.shoal.ingest.IdentityMergeTest;
import io.shoal.pipeline.InFlightLimiter;
import io.shoal.security.Pseudonyms;
import io.shoal.segmenting.SegmentModelManager;
import io.shoal.store.SegmentStore;
import io.shoal.testing.ShoalTestResources;

/**
 * A pseudonymised run end to end: a shopper (an e-mail address as id) and the anonymous visitor it was, through
 * /v1/events and the Segment-compatible endpoints; queries by the raw id work; afterwards no Redis key, field, member
 * or value, no PostgreSQL row and no line of the service's log holds a raw id.
 */
@QuarkusTest
@TestProfile(PseudonymProfile.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PseudonymTest {

    @Inject
    SegmentStore store;

    @Inject
    SegmentModelManager manager;

    @Inject
    InFlightLimiter limiter;

    @Inject
    AuditRelay relay;

    @Inject
    Pseudonyms pseudonyms;

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "shoal.redis.key-prefix")
    String prefix;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbc;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void noRawIdIsStoredSentOrLoggedAndQueriesByTheRawIdWork() throws Exception {
        Traces scan = new Traces(redis, prefix, jdbc);
        IdentityMergeTest.seedModel(store, limiter, manager);
        String email = "jane.doe+" + run + "@example.com";
        String anonymous = "visitor-" + run;
        Instant t = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

        given().contentType(ContentType.JSON).body(Map.of("anonymousId", anonymous, "event", "Product Viewed",
                "messageId", run + "-t1", "timestamp", t.toString(),
                "properties", Map.of("name", IdentityMergeTest.text(0, 1)))).post("/v1/track").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("anonymousId", anonymous, "userId", email,
                "messageId", run + "-i1", "timestamp", t.plusSeconds(5).toString())).post("/v1/identify").then()
                .statusCode(200);
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            events.add(Map.of("eventId", run + "-e" + i, "userId", email, "type", i % 2 == 0 ? "purchase" : "view",
                    "itemId", "sku-" + i + "-" + UUID.randomUUID(), "text", IdentityMergeTest.text(1, i),
                    "occurredAt", t.plusSeconds(10 + i).toString()));
        }
        given().contentType(ContentType.JSON).body(events).post("/v1/events").then().statusCode(202);
        IdentityMergeTest.awaitQuiet(limiter, manager);
        String stored = pseudonyms.stored(email);
        assertThat(stored).matches("[0-9a-f]{64}");
        assertThat(pseudonyms.stored("anonymous:" + anonymous)).startsWith("anonymous:").doesNotContain(anonymous);
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.backlog() == 0 && scan.rows("segment_history", stored) > 0);

        JsonPath segment = given().get("/v1/users/" + email + "/segment").then().statusCode(200).extract().jsonPath();
        assertThat(segment.getString("userId")).as("answers carry the stored form").isEqualTo(stored);
        assertThat(given().get("/v1/users/" + email + "/history").then().statusCode(200).extract().jsonPath()
                .getList("changes")).isNotEmpty();
        assertThat(given().get("/v1/users/" + email + "/recommendations?strategy=personal").then().statusCode(200)
                .extract().jsonPath().getBoolean("coldStart")).isFalse();
        assertThat(given().get("/v1/users/" + stored + "/segment").statusCode())
                .as("the stored form is not a client id: asking for it hashes it again").isEqualTo(404);

        assertThat(Files.readString(Path.of(PseudonymProfile.LOG))).as("the log file is the service's")
                .contains("Installed features");
        for (String raw : List.of(email, anonymous)) {
            assertThat(scan.inRedis(raw)).as("Redis holding %s", raw).isEmpty();
            assertThat(scan.inPostgres(raw)).as("PostgreSQL holding %s", raw).isEmpty();
            assertThat(Files.readString(Path.of(PseudonymProfile.LOG))).as("the service log").doesNotContain(raw);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(Files.readString(Path.of(PseudonymProfile.LOG))).as("event texts in the log")
                    .doesNotContain(IdentityMergeTest.text(1, i));
        }
        assertThat(scan.inRedis(stored)).as("the shopper is there, in stored form").isNotEmpty();

        // Erasure by the raw id reaches the stored shopper.
        given().delete("/v1/users/" + email).then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.backlog() == 0);
        assertThat(scan.inRedis(stored)).isEmpty();
        assertThat(scan.rows("segment_history", stored)).isZero();
    }
}
