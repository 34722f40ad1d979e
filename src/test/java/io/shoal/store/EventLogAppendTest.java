package io.shoal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.shoal.event.EventPosition;
import io.shoal.testing.ShoalTestResources;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;

/**
 * Issue 13, one log entry per request ({@code accept_events.lua} on the real Redis, under a key prefix of its own
 * that the service's consumer does not read): a request's new events go into one entry, one line each, with their
 * dedup marks; the script reserves a sequence number per event, so the positions of all events are distinct and
 * increase in log order even when many requests land in one millisecond; the event and byte counters are the log's.
 */
@QuarkusTest
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class EventLogAppendTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration TTL = Duration.ofMinutes(5);

    @Inject
    ReactiveRedisDataSource reactive;

    @Inject
    RedisDataSource redis;

    @Inject
    RedisKeys service;

    @Inject
    SegmentStore store;

    /** Under the service's prefix (so under its hash tag on a cluster), in a namespace of the test's own. */
    private RedisKeys keys;

    @BeforeEach
    void ownPrefix() {
        keys = new RedisKeys(service.prefix() + "eventlogtest-" + UUID.randomUUID() + ":");
    }

    @AfterEach
    void clean() {
        store.unlinkMatching(keys.everyKeyPattern()).await().atMost(WAIT);
    }

    private EventLog log() {
        return new EventLog(reactive, keys);
    }

    private static EventLog.Append event(String user, String id, boolean dedup) {
        return new EventLog.Append(user, id, dedup, "{\"userId\":\"" + user + "\",\"eventId\":\"" + id + "\"}");
    }

    private long counter(String field) {
        String v = redis.hash(String.class).hget(keys.eventLogCounts(), field);
        return v == null ? 0 : Long.parseLong(v);
    }

    @Test
    void aRequestIsOneEntryWithALinePerNewEventAndDuplicatesLeftOut() {
        EventLog log = log();
        List<EventLog.Append> first = List.of(event("u1", "e1", true), event("u2", "e2", true),
                event("u1", "e3", true));
        EventLog.Appended a = log.append(first, TTL, 1000, 1 << 20, null).await().atMost(WAIT);
        assertThat(a.admitted()).isTrue();
        assertThat(a.appended()).containsExactly(true, true, true);
        assertThat(a.backlog()).isEqualTo(3);
        var entries = redis.stream(String.class).xrange(keys.eventLog(), StreamRange.of("-", "+"));
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).id()).isEqualTo(a.entry());
        String payload = entries.get(0).payload().get(EventLog.EVENT_FIELD);
        assertThat(EventLog.events(payload)).containsExactly(first.get(0).json(), first.get(1).json(),
                first.get(2).json());
        assertThat(counter("bytes")).isEqualTo(payload.length()).isEqualTo(a.bytes());
        assertThat(counter("events")).isEqualTo(3);

        // The same ids again beside a new one: only the new one is appended, in an entry of its own.
        List<EventLog.Append> again = List.of(event("u1", "e1", true), event("u2", "e2", true), event("u1", "e3", true),
                event("u3", "e4", true));
        EventLog.Appended b = log.append(again, TTL, 1000, 1 << 20, null).await().atMost(WAIT);
        assertThat(b.appended()).containsExactly(false, false, false, true);
        assertThat(b.added()).isEqualTo(1);
        assertThat(b.backlog()).isEqualTo(4);
        var after = redis.stream(String.class).xrange(keys.eventLog(), StreamRange.of("-", "+"));
        assertThat(after).hasSize(2);
        assertThat(after.get(1).payload().get(EventLog.EVENT_FIELD)).isEqualTo(again.get(3).json());

        // Only duplicates: nothing appended, no entry.
        EventLog.Appended c = log.append(first, TTL, 1000, 1 << 20, null).await().atMost(WAIT);
        assertThat(c.added()).isZero();
        assertThat(c.entry()).isNull();
        assertThat(redis.stream(String.class).xlen(keys.eventLog())).isEqualTo(2);
    }

    @Test
    void admissionCountsEventsNotEntries() {
        EventLog log = log();
        List<EventLog.Append> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(event("u" + i, "a" + i, false));
        }
        assertThat(log.append(five, TTL, 8, 1 << 20, null).await().atMost(WAIT).admitted()).isTrue();
        EventLog.Appended full = log.append(five, TTL, 8, 1 << 20, null).await().atMost(WAIT);
        assertThat(full.admitted()).as("5 + 5 events > 8, though only 2 entries").isFalse();
        assertThat(full.full()).isEqualTo("events");
        assertThat(full.backlog()).isEqualTo(5);
        assertThat(log.append(five.subList(0, 3), TTL, 8, 1 << 20, null).await().atMost(WAIT).admitted()).isTrue();
    }

    @Test
    void anEmptyLogResetsCountersLeftBehind() {
        redis.hash(String.class).hset(keys.eventLogCounts(), Map.of("events", "999999", "bytes", "999999999"));
        EventLog.Appended a = log().append(List.of(event("u", "x", false)), TTL, 10, 1000, null).await().atMost(WAIT);
        assertThat(a.admitted()).isTrue();
        assertThat(a.backlog()).isEqualTo(1);
        assertThat(counter("events")).isEqualTo(1);
    }

    @Test
    void requestsInOneMillisecondGetDistinctIncreasingPositions() {
        EventLog log = log();
        List<Uni<EventLog.Appended>> calls = new ArrayList<>();
        for (int r = 0; r < 300; r++) {
            List<EventLog.Append> request = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                request.add(event("u" + i, "r" + r + "-" + i, false));
            }
            calls.add(log.append(request, TTL, 100_000, 1 << 30, null));
        }
        Uni.join().all(calls).andFailFast().await().atMost(WAIT);
        var entries = redis.stream(String.class).xrange(keys.eventLog(), StreamRange.of("-", "+"));
        assertThat(entries).hasSize(300);
        int sameMillisecond = 0;
        for (int k = 1; k < entries.size(); k++) {
            String before = entries.get(k - 1).id();
            String next = entries.get(k).id();
            if (RedisStream.idMillis(before) == RedisStream.idMillis(next)) {
                sameMillisecond++;
            }
            assertThat(EventPosition.ofStreamId(next, 0).offset())
                    .as("entry %s starts after the last event of %s", next, before)
                    .isGreaterThan(EventPosition.ofStreamId(before, 3).offset());
        }
        assertThat(sameMillisecond).as("requests that landed in one millisecond (what the reservation is for)")
                .isPositive();
        assertThat(counter("events")).isEqualTo(1200);
    }

    @Test
    void anEventWrittenOnTwoLinesIsRefused() {
        EventLog.Append twoLines = new EventLog.Append("u", "e", false, "{\"userId\":\n\"u\"}");
        assertThatThrownBy(() -> log().append(List.of(twoLines), TTL, 10, 1000, null).await().atMost(WAIT))
                .hasMessageContaining("one line");
    }
}
