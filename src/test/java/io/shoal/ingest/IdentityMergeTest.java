package io.shoal.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.shoal.audit.HistoryRepository;
import io.shoal.event.BehaviorEvent;
import io.shoal.event.EventPosition;
import io.shoal.event.EventType;
import io.shoal.pipeline.InFlightLimiter;
import io.shoal.pipeline.MicroBatch;
import io.shoal.segmentation.UserProfile;
import io.shoal.segmenting.IdentityMergeStage;
import io.shoal.segmenting.SegmentModelManager;
import io.shoal.store.SegmentStore;
import io.shoal.store.StoredUser;
import io.shoal.testing.RetailTexts;
import io.shoal.testing.ShoalTestResources;

/**
 * Identity merge end to end on the real Redis and PostgreSQL: an anonymous visitor's behaviour, sent as Segment
 * messages, counts for the known shopper after identify; later anonymous events follow; the history is linked; a
 * redelivered merge changes nothing.
 */
@QuarkusTest
@TestProfile(TrackingProfile.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
public class IdentityMergeTest {

    public static final String[] KINDS = { "LUNCH BAG", "CAKE", "CHRISTMAS", "CANDLE" };
    static final Map<String, List<String>> TEXTS = RetailTexts.byKeyword(KINDS);

    @Inject
    SegmentStore store;

    @Inject
    SegmentModelManager manager;

    @Inject
    InFlightLimiter limiter;

    @Inject
    HistoryRepository history;

    @Inject
    IdentityMergeStage mergeStage;

    @Inject
    MeterRegistry registry;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private Instant clock = Instant.parse("2026-11-30T10:00:00Z");

    @BeforeEach
    void aModelExists() {
        seedModel(store, limiter, manager);
    }

    /** Seeds a model of the four kinds once per service (8 shoppers each, 3 purchases), unless one exists. */
    public static void seedModel(SegmentStore store, InFlightLimiter limiter, SegmentModelManager manager) {
        if (store.model().await().atMost(Duration.ofSeconds(5)) != null) {
            return;
        }
        List<Map<String, Object>> events = new ArrayList<>();
        Instant t = Instant.parse("2026-11-29T10:00:00Z");
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < KINDS.length; k++) {
                for (int u = 0; u < 8; u++) {
                    String user = "seed-k" + k + "-u" + u;
                    t = t.plusSeconds(60);
                    events.add(Map.of("eventId", user + "-" + round, "userId", user, "type", "purchase", "text",
                            text(k, round * 8 + u), "occurredAt", t.toString()));
                }
            }
        }
        for (int from = 0; from < events.size(); from += 64) {
            given().contentType(ContentType.JSON).body(events.subList(from, Math.min(events.size(), from + 64)))
                    .post("/v1/events").then().statusCode(202);
            awaitQuiet(limiter, manager);
        }
        assertThat(store.model().await().atMost(Duration.ofSeconds(5))).as("seeded").isNotNull();
    }

    public static String text(int kind, int i) {
        List<String> pool = TEXTS.get(KINDS[kind]);
        return pool.get(i % pool.size());
    }

    private String tick() {
        clock = clock.plusSeconds(60);
        return clock.toString();
    }

    void awaitQuiet() {
        awaitQuiet(limiter, manager);
    }

    public static void awaitQuiet(InFlightLimiter limiter, SegmentModelManager manager) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> limiter.inFlight() == 0 && manager.idle());
    }

    static Response track(Object body, String path) {
        return given().auth().preemptive().basic(TrackingProfile.WRITE_KEY, "").contentType(ContentType.JSON)
                .body(body).post(path);
    }

    private Map<String, Object> viewed(String messageId, String userId, String anonymousId, String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "track");
        m.put("event", "Product Viewed");
        m.put("messageId", messageId);
        if (userId != null) {
            m.put("userId", userId);
        }
        if (anonymousId != null) {
            m.put("anonymousId", anonymousId);
        }
        m.put("timestamp", tick());
        m.put("properties", Map.of("name", name));
        return m;
    }

    private StoredUser user(String id) {
        return store.user(id).await().atMost(Duration.ofSeconds(5));
    }

    private long members() {
        return store.segmentSizes().await().atMost(Duration.ofSeconds(5)).values().stream()
                .mapToLong(Long::longValue).sum();
    }

    @Test
    void anonymousBrowsingCountsForTheKnownShopperFromIdentifyOn() {
        String visitor = "v-" + run;
        String anonymous = EventValidator.ANONYMOUS_PREFIX + visitor;
        String known = "k-" + run;
        // The visitor browses cakes (strong evidence), the known shopper bought one candle.
        List<Map<String, Object>> browsing = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            browsing.add(viewed(run + "-a" + i, null, visitor, text(1, i)));
        }
        Map<String, Object> bought = new LinkedHashMap<>(viewed(run + "-k0", known, null, text(3, 0)));
        bought.put("event", "Order Completed");
        bought.put("properties", Map.of("products", List.of(Map.of("product_id", "c-1", "name", text(3, 0)))));
        browsing.add(bought);
        track(Map.of("batch", browsing), "/v1/batch").then().statusCode(200)
                .body("success", org.hamcrest.Matchers.is(true)).body("accepted", org.hamcrest.Matchers.is(7));
        awaitQuiet();
        StoredUser visitorBefore = user(anonymous);
        StoredUser knownBefore = user(known);
        assertThat(visitorBefore.segmentId()).as("the anonymous shopper is segmented").isNotNull();
        assertThat(knownBefore.segmentId()).isNotNull();
        assertThat(visitorBefore.segmentId()).as("cakes and candles are segments apart")
                .isNotEqualTo(knownBefore.segmentId());
        long membersBefore = members();

        track(Map.of("userId", known, "anonymousId", visitor, "messageId", run + "-id", "traits",
                Map.of("email", "x@example.com")), "/v1/identify").then().statusCode(200)
                .body("accepted", org.hamcrest.Matchers.is(1));
        awaitQuiet();

        assertThat(user(anonymous)).as("the anonymous shopper is merged away").isNull();
        assertThat(store.links(List.of(anonymous)).await().atMost(Duration.ofSeconds(5)))
                .containsEntry(anonymous, known);
        StoredUser merged = user(known);
        UserProfile expected = manager.engine().params().profileUpdater().merge(knownBefore.profile(),
                visitorBefore.profile());
        assertThat(merged.profile().weight()).as("decayed weights added").isCloseTo(expected.weight(), within(1e-9));
        assertThat(merged.profile().lastEventMillis()).isEqualTo(expected.lastEventMillis());
        assertThat(merged.profile().vector()).containsExactly(expected.vector(), within(2e-3f));
        assertThat(merged.segmentId()).as("re-decided: the cake evidence outweighs one candle")
                .isEqualTo(visitorBefore.segmentId());
        assertThat(members()).as("two members became one").isEqualTo(membersBefore - 1);
        given().get("/v1/users/" + anonymous + "/segment").then().statusCode(200)
                .body("userId", org.hamcrest.Matchers.is(known));

        // A later anonymous-only event (a server-side call, another tab) goes to the known shopper.
        track(Map.of("batch", List.of(viewed(run + "-a9", null, visitor, text(1, 9)))), "/v1/batch").then()
                .statusCode(200);
        awaitQuiet();
        assertThat(user(anonymous)).isNull();
        StoredUser after = user(known);
        assertThat(after.profile().lastEventMillis()).isGreaterThan(merged.profile().lastEventMillis());
        assertThat(after.profile().weight()).isGreaterThan(merged.profile().weight());

        // The audit: the link row and the move caused by the merge; the history of both ids under the known one.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                history.linkedIds(known).await().atMost(Duration.ofSeconds(5))).contains(known, anonymous));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<String> reasons = given().get("/v1/users/" + known + "/history").then().statusCode(200).extract()
                    .jsonPath().getList("changes.reason");
            assertThat(reasons).contains(IdentityMergeStage.REASON);
            assertThat(reasons).as("the anonymous shopper's first assignment is in the known one's history")
                    .hasSizeGreaterThanOrEqualTo(3);
        });

        // Redelivered (or repeated with another id): the link makes it a no-op.
        byte[] state = store.rawUsers(List.of(known)).await().atMost(Duration.ofSeconds(5)).get(0);
        double repeatsBefore = registry.counter("shoal.identity.merges", "outcome", "already-linked").count();
        BehaviorEvent again = new BehaviorEvent("redelivered-" + run, known, EventType.IDENTIFY, null, null, null,
                null, null, clock, clock, anonymous);
        mergeStage.process(new MicroBatch(1, List.of(again), List.of(new EventPosition(0, 1)))).await()
                .atMost(Duration.ofSeconds(10));
        assertThat(store.rawUsers(List.of(known)).await().atMost(Duration.ofSeconds(5)).get(0)).isEqualTo(state);
        assertThat(registry.counter("shoal.identity.merges", "outcome", "already-linked").count())
                .isEqualTo(repeatsBefore + 1);
        assertThat(members()).isEqualTo(membersBefore - 1);
    }

    @Test
    void theNativeApiMergesTwoKnownShoppers() {
        String old = "old-" + run;
        String current = "new-" + run;
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(Map.of("eventId", run + "-o" + i, "userId", old, "type", "view", "text", text(0, i),
                    "occurredAt", tick()));
        }
        given().contentType(ContentType.JSON).body(events).post("/v1/events").then().statusCode(202);
        awaitQuiet();
        StoredUser before = user(old);
        assertThat(before).isNotNull();

        given().contentType(ContentType.JSON).body(Map.of("eventId", run + "-merge", "userId", current, "type",
                "identify", "previousId", old)).post("/v1/events").then().statusCode(202);
        awaitQuiet();

        assertThat(user(old)).isNull();
        StoredUser now = user(current);
        assertThat(now.profile()).as("a shopper with nothing takes the other's profile as it was")
                .isEqualTo(before.profile());
        assertThat(now.segmentId()).isEqualTo(before.segmentId());
    }
}
