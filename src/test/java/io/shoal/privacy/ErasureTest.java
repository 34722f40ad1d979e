package io.shoal.privacy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
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
import io.shoal.ingest.TrackingProfile;
import io.shoal.pipeline.InFlightLimiter;
import io.shoal.segmenting.SegmentModelManager;
import io.shoal.store.SegmentStore;
import io.shoal.testing.ShoalTestResources;

/**
 * Erasure over the real pipeline, Redis and PostgreSQL: a shopper with events, purchases, a merged anonymous id and
 * audit history is erased; afterwards no Redis key, field, member or value and no row of any table holds either id;
 * the receipt names the shopper only by a keyed hash; erasing again is harmless; an erasure left open by a crash is
 * finished by the resume pass; bad requests name the field.
 */
@QuarkusTest
@TestProfile(TrackingProfile.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class ErasureTest {

    @Inject
    SegmentStore store;

    @Inject
    SegmentModelManager manager;

    @Inject
    InFlightLimiter limiter;

    @Inject
    AuditRelay relay;

    @Inject
    ErasureService erasure;

    @Inject
    RetentionJobs retention;

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "shoal.redis.key-prefix")
    String prefix;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbc;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private Traces scan;

    private List<String> traces(String id) {
        return scan.inRedis(id);
    }

    private List<String> tablesNaming(String id) throws SQLException {
        return scan.inPostgres(id);
    }

    private long rows(String table, String userId) throws SQLException {
        return scan.rows(table, userId);
    }

    @BeforeEach
    void aModelExists() {
        scan = new Traces(redis, prefix, jdbc);
        IdentityMergeTest.seedModel(store, limiter, manager);
    }

    /** A shopper with views, purchases (recommendation state), an identity merge and audit history. */
    private void shopper(String user, String anonymous) {
        Instant t = Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(Map.of("eventId", user + "-a" + i, "userId", anonymous, "type", "view", "text",
                    IdentityMergeTest.text(0, i), "occurredAt", t.plusSeconds(i).toString()));
        }
        post(events);
        post(List.of(Map.of("eventId", user + "-merge", "userId", user, "type", "identify", "previousId",
                anonymous, "occurredAt", t.plusSeconds(10).toString())));
        events.clear();
        for (int i = 0; i < 4; i++) {
            events.add(Map.of("eventId", user + "-p" + i, "userId", user, "type", i % 2 == 0 ? "purchase" : "view",
                    "itemId", "sku-" + i + "-" + UUID.randomUUID(), "text", IdentityMergeTest.text(1, i), "occurredAt",
                    t.plusSeconds(20 + i).toString()));
        }
        post(events);
        await().atMost(Duration.ofSeconds(30)).until(() -> rows("segment_history", user) > 0
                && rows("identity_link", user) > 0 && relay.backlog() == 0);
    }

    private void post(List<Map<String, Object>> events) {
        given().contentType(ContentType.JSON).body(events).post("/v1/events").then().statusCode(202);
        IdentityMergeTest.awaitQuiet(limiter, manager);
    }

    @Test
    void anErasedShopperLeavesNoTraceInRedisOrPostgresAndGetsAReceipt() throws Exception {
        String user = "erase-" + run;
        String anonymous = "anon-" + run;
        shopper(user, anonymous);
        assertThat(traces(user)).as("the shopper is in Redis before the erasure").isNotEmpty();
        String log = java.nio.file.Files.readString(java.nio.file.Path.of(TrackingProfile.LOG));
        assertThat(log).as("the service log").contains("Installed features").doesNotContain(user)
                .doesNotContain(anonymous);
        assertThat(traces(anonymous)).as("so are the dedup marks of the merged id").isNotEmpty();
        long history = rows("segment_history", user) + rows("segment_history", anonymous);

        JsonPath receipt = given().delete("/v1/users/" + user).then().statusCode(200).extract().jsonPath();
        assertThat(receipt.getString("subject")).matches("[0-9a-f]{64}").isEqualTo(erasure.subject(user))
                .doesNotContain(user);
        assertThat(receipt.getLong("receiptId")).isPositive();
        assertThat(receipt.getString("completedAt")).isNotNull();
        assertThat(receipt.getLong("removed.linkedIds")).isEqualTo(1);
        assertThat(receipt.getLong("removed.redisKeys")).isPositive();
        assertThat(receipt.getLong("removed.dedupMarks")).isGreaterThanOrEqualTo(8);
        assertThat(receipt.getLong("removed.historyRows")).isEqualTo(history);
        assertThat(receipt.getLong("removed.identityLinks")).isEqualTo(1);

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.backlog() == 0);
        assertThat(traces(user)).as("Redis keys, fields, members and values naming the shopper").isEmpty();
        assertThat(traces(anonymous)).as("... or the merged anonymous id").isEmpty();
        assertThat(tablesNaming(user)).as("PostgreSQL rows naming the shopper").isEmpty();
        assertThat(tablesNaming(anonymous)).isEmpty();
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                PreparedStatement st = c.prepareStatement(
                        "SELECT state, pending_user_id, removed FROM erasure_receipt WHERE id = ?")) {
            st.setLong(1, receipt.getLong("receiptId"));
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("done");
                assertThat(rs.getString(2)).isNull();
                assertThat(rs.getString(3)).contains("\"historyRows\":" + receipt.getLong("removed.historyRows"));
            }
        }

        // Idempotent: again, nothing left to remove.
        JsonPath again = given().delete("/v1/users/" + user).then().statusCode(200).extract().jsonPath();
        assertThat(again.getLong("removed.redisKeys")).isZero();
        assertThat(again.getLong("removed.historyRows")).isZero();

        // Later events start a new shopper, without the old history.
        post(List.of(Map.of("eventId", user + "-later", "userId", user, "type", "view", "text",
                IdentityMergeTest.text(2, 0))));
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.backlog() == 0);
        assertThat(traces(user)).as("the new shopper's state").isNotEmpty();
        assertThat(rows("segment_history", user)).as("none of the old history comes back").isLessThanOrEqualTo(1);
        assertThat(rows("identity_link", user)).isZero();
    }

    @Test
    void anErasureACrashLeftOpenIsFinishedByTheResumePass() throws Exception {
        String user = "crash-" + run;
        shopper(user, "anon-crash-" + run);
        long receipt;
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                PreparedStatement st = c.prepareStatement("INSERT INTO erasure_receipt (subject_hash, "
                        + "requested_by, state, pending_user_id) VALUES (?, 'test', 'pending', ?) RETURNING id")) {
            st.setString(1, erasure.subject(user));
            st.setString(2, user);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                receipt = rs.getLong(1);
            }
        }
        erasure.resume().await().atMost(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.backlog() == 0);
        assertThat(traces(user)).isEmpty();
        assertThat(tablesNaming(user)).isEmpty();
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT state FROM erasure_receipt WHERE id = " + receipt)) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("done");
        }
    }

    @Test
    void bulkErasureAnswersOneReceiptPerDistinctIdAndNamesBadFields() {
        String a = "bulk-a-" + run;
        String b = "bulk-b-" + run;
        post(List.of(Map.of("eventId", a + "-1", "userId", a, "type", "view", "text", IdentityMergeTest.text(3, 0)),
                Map.of("eventId", b + "-1", "userId", b, "type", "view", "text", IdentityMergeTest.text(3, 1))));
        JsonPath r = given().contentType(ContentType.JSON).body(Map.of("userIds", List.of(a, b, a)))
                .post("/v1/users/erasures").then().statusCode(200).extract().jsonPath();
        assertThat(r.getInt("erased")).isEqualTo(2);
        assertThat(r.getList("receipts.subject")).containsExactly(erasure.subject(a), erasure.subject(b));
        assertThat(traces(a)).isEmpty();
        assertThat(traces(b)).isEmpty();

        given().contentType(ContentType.JSON).body(Map.of("userIds", List.of(a, "x".repeat(129))))
                .post("/v1/users/erasures").then().statusCode(400)
                .body("field", org.hamcrest.Matchers.equalTo("userIds[1]"));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 5001; i++) {
            many.add("u" + i);
        }
        given().contentType(ContentType.JSON).body(Map.of("userIds", many)).post("/v1/users/erasures").then()
                .statusCode(400).body("error", org.hamcrest.Matchers.containsString("at most 5000"));
        given().contentType(ContentType.JSON).body("{\"ids\":[]}").post("/v1/users/erasures").then().statusCode(400)
                .body("field", org.hamcrest.Matchers.equalTo("userIds"));
    }

    @Test
    void retentionDeletesOldHistoryInBatchesAndRemovesIdleShoppers() throws Exception {
        String user = "ret-" + run;
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                PreparedStatement st = c.prepareStatement("INSERT INTO segment_history (user_id, to_segment, "
                        + "changed_at, model_version, reason, recorded_at) VALUES (?, 1, now(), 1, 'assigned', "
                        + "now() - make_interval(days => ?))")) {
            for (int days : new int[] { 30, 20, 10, 0 }) {
                st.setString(1, user);
                st.setInt(2, days);
                st.executeUpdate();
            }
        }
        assertThat(retention.purgeHistoryBefore(Instant.now().minus(5, ChronoUnit.DAYS))
                .await().atMost(Duration.ofSeconds(30))).isEqualTo(3);
        assertThat(rows("segment_history", user)).as("the row stored today stays").isEqualTo(1);

        // Idle by event time: a shopper last seen in 2003 goes, one seen now stays.
        String idle = "idle-" + run;
        String active = "active-" + run;
        post(List.of(Map.of("eventId", idle + "-1", "userId", idle, "type", "view", "text",
                IdentityMergeTest.text(2, 1), "occurredAt", "2003-05-01T10:00:00Z"),
                Map.of("eventId", active + "-1", "userId", active, "type", "view", "text",
                        IdentityMergeTest.text(2, 2))));
        assertThat(store.user(idle).await().atMost(Duration.ofSeconds(5))).isNotNull();
        long removed = retention.expireIdleBefore(Instant.parse("2004-01-01T00:00:00Z").toEpochMilli())
                .await().atMost(Duration.ofSeconds(60));
        assertThat(removed).isGreaterThanOrEqualTo(1);
        assertThat(store.user(idle).await().atMost(Duration.ofSeconds(5))).isNull();
        assertThat(traces(idle).stream().filter(t -> !t.contains(":seen:")).toList())
                .as("everything but the dedup marks (they expire with the dedup TTL)").isEmpty();
        assertThat(store.user(active).await().atMost(Duration.ofSeconds(5))).isNotNull();
    }
}
