package io.shoal.pipeline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.shoal.event.BehaviorEvent;
import io.shoal.inference.EmbeddingService;
import io.shoal.inference.SentenceModelService;
import io.shoal.store.EventLog;
import io.shoal.store.RedisKeys;
import io.shoal.testing.Activity;
import io.shoal.testing.Events;
import io.shoal.testing.GateStage;
import io.shoal.testing.Management;
import io.shoal.testing.ShoalTestResources;
import jakarta.inject.Inject;

/**
 * Issue 13, several micro-batches of the event log in flight (role all, real Redis log and stages): while batches are
 * held in the pipeline, other shoppers' batches start beside them up to {@code batches-in-flight}; an event of a
 * shopper whose batch is in flight waits, and is applied after it, in order.
 */
@QuarkusTest
@TestProfile(BatchesInFlightTest.ThreeInFlight.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class BatchesInFlightTest {

    /** Batches of four, three in flight; a long batch timeout, so a batch is what one request sent. */
    public static class ThreeInFlight implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("shoal.pipeline.batch-size", "4",
                    "shoal.pipeline.batch-timeout", "2s",
                    "shoal.pipeline.batches-in-flight", "3");
        }
    }

    @Inject
    GateStage gate;

    @Inject
    RedisDataSource redis;

    @Inject
    RedisKeys keys;

    @Inject
    EmbeddingService embeddings;

    @Inject
    SentenceModelService model;

    @Inject
    EventLogConsumer consumer;

    @AfterEach
    void openGate() {
        gate.open();
        // A lease a test gave to "another process" goes back to this one, whatever the test's outcome.
        String lease = keys.lock(EventLogConsumer.LEASE);
        String holder = redis.value(String.class).get(lease);
        if (holder != null && holder.startsWith("another-")) {
            redis.key().del(lease);
        }
    }

    private String counted(String user) {
        return Activity.counted(redis, keys, user);
    }

    private static void send(List<Map<String, Object>> events) {
        given().contentType(ContentType.JSON).body(events).post("/v1/events").then().statusCode(202)
                .body("accepted", equalTo(events.size()));
    }

    /**
     * Sends ten events in one request (one log entry): shopper {@code x} has the 1st, 6th and 10th, the others one
     * each. Returns the events' users in order.
     */
    private static List<String> sendTen(String prefix, String x) {
        List<Map<String, Object>> events = new ArrayList<>();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String user = i == 0 || i == 5 || i == 9 ? x : prefix + "-" + i;
            users.add(user);
            events.add(Events.view(prefix + "-e" + i, user, i % 2 == 0 ? "cake tin" : "tea cup"));
        }
        send(events);
        return users;
    }

    private static List<String> users(MicroBatch batch) {
        return batch.events().stream().map(BehaviorEvent::userId).toList();
    }

    @Test
    void otherShoppersBatchesStartBesideAHeldOneAndAShoppersLaterEventWaitsForItsBatch() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> shoppers = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            shoppers.add("inflight-" + run + "-" + i);
        }
        // Warm texts, so that no event waits for the model: what waits here waits for its shopper's batch.
        await().atMost(Duration.ofSeconds(120)).until(model::isReady);
        embeddings.embed(List.of("cake tin", "tea cup", "jam jar")).await().atMost(Duration.ofSeconds(120));
        gate.close();
        // Batch 1: shoppers 0-3, held at the gate.
        send(List.of(Events.view("a0-" + run, shoppers.get(0), "cake tin"),
                Events.view("a1-" + run, shoppers.get(1), "cake tin"),
                Events.view("a2-" + run, shoppers.get(2), "cake tin"),
                Events.view("a3-" + run, shoppers.get(3), "cake tin")));
        await().atMost(Duration.ofSeconds(30)).until(() -> gate.held().size() == 1);
        // Batch 2: shoppers 4-7 start while batch 1 is still being applied.
        send(List.of(Events.view("b4-" + run, shoppers.get(4), "tea cup"),
                Events.view("b5-" + run, shoppers.get(5), "tea cup"),
                Events.view("b6-" + run, shoppers.get(6), "tea cup"),
                Events.view("b7-" + run, shoppers.get(7), "tea cup")));
        await().atMost(Duration.ofSeconds(30)).until(() -> gate.held().size() == 2);
        // Shopper 0's second event waits for batch 1; shoppers 8-10 go at once, as a third batch.
        send(List.of(Events.view("c0-" + run, shoppers.get(0), "jam jar"),
                Events.view("c8-" + run, shoppers.get(8), "jam jar"),
                Events.view("c9-" + run, shoppers.get(9), "jam jar"),
                Events.view("c10-" + run, shoppers.get(10), "jam jar")));
        await().atMost(Duration.ofSeconds(30)).until(() -> gate.held().size() == 3);
        List<MicroBatch> held = gate.held();
        assertThat(users(held.get(0))).containsExactlyElementsOf(shoppers.subList(0, 4));
        assertThat(users(held.get(1))).containsExactlyElementsOf(shoppers.subList(4, 8));
        assertThat(users(held.get(2))).containsExactlyElementsOf(shoppers.subList(8, 11));
        assertThat(counted(shoppers.get(0))).isNull();
        assertThat(Management.given().get("/q/metrics").asString())
                .containsPattern("shoal_pipeline_batches_in_flight_max 3\\.0");

        gate.open();
        // Shopper 0's two events in order: the activity counter skips an event at or below the shopper's last
        // counted position, so the second applied first would leave the count at 1.
        await().atMost(Duration.ofSeconds(30)).until(() -> "2".equals(counted(shoppers.get(0))));
        for (String s : shoppers.subList(1, 11)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(counted(s)));
        }
    }

    @Test
    void aRequestLargerThanABatchIsAppliedInBatchesInOrderAndItsEntryLeavesTheLogAfterItsLastEvent() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String x = "big-" + run + "-x";
        await().atMost(Duration.ofSeconds(120)).until(model::isReady);
        embeddings.embed(List.of("cake tin", "tea cup", "jam jar")).await().atMost(Duration.ofSeconds(120));
        await().atMost(Duration.ofSeconds(30)).until(() -> redis.stream(String.class).xlen(keys.eventLog()) == 0);
        gate.close();
        List<String> users = sendTen("big-" + run, x);
        assertThat(redis.stream(String.class).xlen(keys.eventLog())).as("one entry per request").isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> gate.held().size() == 2);
        List<MicroBatch> held = gate.held();
        // At most batch-size events per batch: the first four, then the next four of the shoppers not in flight.
        assertThat(users(held.get(0))).containsExactlyElementsOf(users.subList(0, 4));
        assertThat(users(held.get(1))).containsExactly(users.get(4), users.get(6), users.get(7), users.get(8));
        assertThat(held.get(1).position(0).offset()).isEqualTo(held.get(0).position(3).offset() + 1);
        // x's later events wait for its batch in flight; the entry stays, unacknowledged, until they are applied.
        assertThat(redis.stream(String.class).xpending(keys.eventLog(), EventLog.GROUP).getPendingCount())
                .isEqualTo(1);

        gate.open();
        // x's three events in order: one applied out of order would be skipped and leave the count below 3.
        await().atMost(Duration.ofSeconds(30)).until(() -> "3".equals(counted(x)));
        for (int i : new int[] {1, 2, 3, 4, 6, 7, 8}) {
            await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(counted(users.get(i))));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.stream(String.class).xlen(keys.eventLog()) == 0);
        assertThat(redis.hash(String.class).hget(keys.eventLogCounts(), "events")).isIn(null, "0");
    }

    @Test
    void aRecoveryReadsPendingEntriesOnAfterWhatItReadAndKeepsBatchesToBatchSize() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String x = "rec-" + run + "-x";
        await().atMost(Duration.ofSeconds(120)).until(model::isReady);
        embeddings.embed(List.of("cake tin", "tea cup")).await().atMost(Duration.ofSeconds(120));
        await().atMost(Duration.ofSeconds(30)).until(() -> redis.stream(String.class).xlen(keys.eventLog()) == 0);
        // Another process holds the lease: this one stands by and accepts into the log.
        redis.value(String.class).set(keys.lock(EventLogConsumer.LEASE), "another-" + run,
                new io.quarkus.redis.datasource.value.SetArgs().px(60_000));
        // Stood by, and no read of its own still waiting for entries (a read started before would take the entry).
        await().atMost(Duration.ofSeconds(20)).until(() -> !consumer.drainsBacklog() && !consumer.busy());
        List<String> users = sendTen("rec-" + run, x);
        // Read and not acknowledged under this process's consumer name, as by this process before a crash.
        var read = redis.stream(String.class).xreadgroup(EventLog.GROUP, EventLogConsumer.CONSUMER, keys.eventLog(),
                ">", new io.quarkus.redis.datasource.stream.XReadGroupArgs().count(10));
        assertThat(read).hasSize(1);
        gate.close();
        redis.key().del(keys.lock(EventLogConsumer.LEASE));

        // Taken back, the pending entry is applied first, a batch of at most four at a time, in log order.
        await().atMost(Duration.ofSeconds(30)).until(() -> gate.held().size() == 1);
        assertThat(users(gate.held().get(0))).containsExactlyElementsOf(users.subList(0, 4));
        gate.pass();
        await().atMost(Duration.ofSeconds(30)).until(() -> gate.held().size() == 2);
        assertThat(users(gate.held().get(1))).containsExactlyElementsOf(users.subList(4, 8));
        gate.pass();
        await().atMost(Duration.ofSeconds(30)).until(() -> gate.held().size() == 3);
        assertThat(users(gate.held().get(2))).containsExactlyElementsOf(users.subList(8, 10));
        gate.open();
        await().atMost(Duration.ofSeconds(30)).until(() -> "3".equals(counted(x)));
        for (int i : new int[] {1, 2, 3, 4, 6, 7, 8}) {
            await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(counted(users.get(i))));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.stream(String.class).xlen(keys.eventLog()) == 0);
    }
}
