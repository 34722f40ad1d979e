package io.shoal.pipeline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.shoal.store.EventLog;
import io.shoal.store.RedisKeys;
import io.shoal.store.RedisStream;
import io.shoal.testing.Events;
import io.shoal.testing.GateStage;
import io.shoal.testing.ShoalTestResources;

/**
 * Admission by bytes over the real pipeline and Redis: the event log's backlog is bounded by its payload bytes as
 * well as by its entries (503 with Retry-After naming bytes, the counter exact against the log and back to 0 once
 * everything is applied, an entry acknowledged twice counted off once), and request bodies being worked on are
 * bounded too (503 at once, nothing accepted is lost).
 */
@QuarkusTest
@TestProfile(ByteAdmissionTest.SmallBytes.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class ByteAdmissionTest {

    /** Room for many events but few bytes; a request budget of about one 20-event request. */
    public static class SmallBytes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("shoal.ingest.max-in-flight", "100000",
                    "shoal.ingest.max-in-flight-bytes", "12000",
                    "shoal.ingest.max-pending-request-bytes", "3000",
                    "shoal.pipeline.batch-size", "16",
                    "shoal.pipeline.batch-timeout", "5ms");
        }
    }

    @Inject
    GateStage gate;

    @Inject
    RedisDataSource redis;

    @Inject
    RedisKeys keys;

    @Inject
    InFlightLimiter limiter;

    @Inject
    EventLog log;

    @AfterEach
    void openGate() {
        gate.open();
    }

    private long counter() {
        String v = redis.hash(String.class).hget(keys.eventLogCounts(), "bytes");
        return v == null ? 0 : Long.parseLong(v);
    }

    private long events() {
        String v = redis.hash(String.class).hget(keys.eventLogCounts(), "events");
        return v == null ? 0 : Long.parseLong(v);
    }

    /** The events of every entry in the log, counted from the log itself. */
    private long eventsInLog() {
        long n = 0;
        for (var e : redis.stream(String.class).xrange(keys.eventLog(), StreamRange.of("-", "+"))) {
            n += EventLog.eventCount(e.payload().get(EventLog.EVENT_FIELD));
        }
        return n;
    }

    /** The payload bytes of every entry in the log, counted from the log itself. */
    private long bytesInLog() {
        long n = 0;
        for (var e : redis.stream(String.class).xrange(keys.eventLog(), StreamRange.of("-", "+"))) {
            String payload = e.payload().get(EventLog.EVENT_FIELD);
            n += payload == null ? 0 : payload.getBytes(StandardCharsets.UTF_8).length;
        }
        return n;
    }

    @Test
    void theLogIsBoundedByItsBytesAndTheCounterIsExact() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        await().atMost(Duration.ofSeconds(20)).until(() -> limiter.inFlight() == 0);
        gate.close();
        int accepted = 0;
        Response full = null;
        for (int i = 0; i < 40 && full == null; i++) {
            Response r = given().contentType(ContentType.JSON)
                    .body(Events.views("by-" + run + "-" + i + "-", "by-" + run + "-", 5, 20)).post("/v1/events");
            if (r.statusCode() == 202) {
                accepted += r.jsonPath().getInt("accepted");
                assertThat(counter()).as("the counter after each append is the log's bytes").isEqualTo(bytesInLog());
                assertThat(events()).as("the event counter after each append is the log's events")
                        .isEqualTo(eventsInLog()).isEqualTo(accepted);
            } else {
                full = r;
            }
        }
        assertThat(full).as("a 503 once 12,000 bytes of events are in the log").isNotNull();
        assertThat(full.statusCode()).isEqualTo(503);
        assertThat(full.header("Retry-After")).isEqualTo("1");
        assertThat(full.jsonPath().getString("error")).contains("bytes of events in flight");
        assertThat(accepted).as("far fewer than the 100,000 events allowed").isBetween(20, 200);
        long held = counter();
        assertThat(held).isEqualTo(bytesInLog()).isLessThanOrEqualTo(12000 + 20 * 200);
        assertThat(limiter.inFlightBytes()).isEqualTo(held);

        gate.open();
        await().atMost(Duration.ofSeconds(20)).until(() -> limiter.inFlight() == 0);
        assertThat(counter()).as("every applied entry was counted off").isZero();
        assertThat(events()).as("every applied event was counted off").isZero();
        assertThat(limiter.inFlightBytes()).isZero();

        // Alone in an empty log, a request larger than the whole byte capacity is admitted.
        given().contentType(ContentType.JSON).body(Events.views("big-" + run + "-", "big-" + run, 5, 150))
                .post("/v1/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> limiter.inFlight() == 0 && counter() == 0);
    }

    @Test
    void anEntryAcknowledgedTwiceIsCountedOffOnce() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        await().atMost(Duration.ofSeconds(20)).until(() -> limiter.inFlight() == 0 && counter() == 0);
        gate.close();
        given().contentType(ContentType.JSON).body(Events.views("twice-" + run + "-", "twice-" + run, 2, 4))
                .post("/v1/events").then().statusCode(202);
        long before = counter();
        assertThat(before).isEqualTo(bytesInLog()).isPositive();
        // A second reader's view of the same entries (as after a claim): acknowledging them again later frees nothing.
        List<RedisStream.Entry> entries = new ArrayList<>();
        for (var e : redis.stream(String.class).xrange(keys.eventLog(), StreamRange.of("-", "+"))) {
            entries.add(new RedisStream.Entry(e.id(), e.payload()));
        }
        List<String> ids = entries.stream().map(RedisStream.Entry::id).toList();
        List<Long> sizes = entries.stream().map(e -> e.bytes(EventLog.EVENT_FIELD)).toList();
        List<Integer> counts = entries.stream().map(e -> EventLog.eventCount(e.field(EventLog.EVENT_FIELD))).toList();
        assertThat(sizes.stream().mapToLong(Long::longValue).sum()).isEqualTo(before);
        assertThat(counts).as("one entry holds the request's 4 events").containsExactly(4);
        assertThat(events()).isEqualTo(4);
        RedisStream.Backlog first = log.stream().ack(ids, sizes, counts).await().atMost(Duration.ofSeconds(5));
        assertThat(first.bytes()).isZero();
        assertThat(first.size()).isZero();
        RedisStream.Backlog again = log.stream().ack(ids, sizes, counts).await().atMost(Duration.ofSeconds(5));
        assertThat(again.bytes()).isZero();
        assertThat(counter()).isZero();
        assertThat(events()).isZero();
        gate.open();
    }

    @Test
    void requestsBeyondThePendingBytesAre503AtOnceAndEveryAcceptedEventIsApplied() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        await().atMost(Duration.ofSeconds(20)).until(() -> limiter.inFlight() == 0);
        long before = processed();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        int accepted = 0;
        int busy = 0;
        try {
            // 16 at once, each body more than half the request budget: no two are worked on together.
            for (int round = 0; round < 20 && busy == 0; round++) {
                List<Callable<Response>> calls = new ArrayList<>();
                for (int c = 0; c < 16; c++) {
                    String prefix = "pb-" + run + "-" + round + "-" + c + "-";
                    calls.add(() -> given().contentType(ContentType.JSON)
                            .body(Events.views(prefix, "pb-" + run + "-", 7, 20)).post("/v1/events"));
                }
                for (Future<Response> f : pool.invokeAll(calls)) {
                    Response r = f.get();
                    if (r.statusCode() == 202) {
                        accepted += r.jsonPath().getInt("accepted");
                    } else {
                        assertThat(r.statusCode()).isEqualTo(503);
                        assertThat(r.header("Retry-After")).isEqualTo("1");
                        // the log's own byte bound may answer too, while the pipeline drains
                        String error = r.jsonPath().getString("error");
                        assertThat(error).containsAnyOf("bytes of requests being worked on",
                                "bytes of events in flight");
                        busy += error.contains("bytes of requests being worked on") ? 1 : 0;
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(busy).as("some requests found the budget spent").isPositive();
        int total = accepted;
        await().atMost(Duration.ofSeconds(30)).until(() -> processed() - before == total);
    }

    private long processed() {
        return OverloadTest.processed(redis, keys);
    }
}
