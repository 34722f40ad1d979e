package io.shoal.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.shoal.event.EventType;

/** Batching, linger, limit and failure handling, with a recording sender and a fake clock. */
class ReplayerTest {

    private final FakeReplayClock clock = new FakeReplayClock();
    private final ReplayStats stats = new ReplayStats();
    private final List<List<ReplayEvent>> sent = new CopyOnWriteArrayList<>();
    private final BatchSender recording = batch -> {
        sent.add(batch);
        stats.answered(batch.size(), batch.size(), 0, 0, List.of());
    };

    /** A line source over fixed results (also used by ReplayOptionsTest). */
    static LineSource lines(List<MappingResult> results) {
        Iterator<MappingResult> it = results.iterator();
        return new LineSource() {
            @Override
            public MappingResult next() {
                return it.hasNext() ? it.next() : null;
            }

            @Override
            public double fractionRead() {
                return 0;
            }
        };
    }

    private static List<MappingResult> events(int n) {
        List<MappingResult> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(MappingResult.of(new ReplayEvent("e" + i, "u", EventType.PURCHASE, "i", "t", null, null, null,
                    Instant.parse("2010-12-01T08:00:00Z").plusSeconds(i))));
        }
        return results;
    }

    @Test
    void unpacedEventsGoOutInFullBatchesAndTheRest() throws Exception {
        List<MappingResult> input = new ArrayList<>(events(23));
        input.add(5, MappingResult.skipped(SkipReason.MISSING_CUSTOMER_ID, null));

        new Replayer(recording, Pacer.unpaced(clock), clock, stats, 10, 1, 0).run(lines(input));

        assertThat(sent).extracting(List::size).containsExactly(10, 10, 3);
        assertThat(sent.stream().flatMap(List::stream).map(ReplayEvent::eventId))
                .containsExactlyElementsOf(events(23).stream().map(r -> r.event().eventId()).toList());
        assertThat(stats.linesRead()).isEqualTo(24);
        assertThat(stats.skippedByReason()).containsExactly(java.util.Map.entry("missing-customer-id", 1L));
        assertThat(clock.sleeps).isEmpty();
    }

    @Test
    void theLimitCountsLinesIncludingSkippedOnes() throws Exception {
        List<MappingResult> input = new ArrayList<>(events(10));
        input.add(0, MappingResult.skipped(SkipReason.MISSING_CUSTOMER_ID, null));

        new Replayer(recording, Pacer.unpaced(clock), clock, stats, 500, 2, 4).run(lines(input));

        assertThat(stats.linesRead()).isEqualTo(4);
        assertThat(sent).singleElement().extracting(List::size).isEqualTo(3);
    }

    @Test
    void aPacedBatchIsSentWhenTheNextEventIsDueAfterTheLinger() throws Exception {
        // 10 events/s: one every 100 ms; a batch opened at t waits for events due up to t + 250 ms.
        new Replayer(recording, new TokenBucketPacer(10, 1, clock), clock, stats, 500, 1, 0).run(lines(events(7)));

        assertThat(sent).extracting(List::size).containsExactly(3, 3, 1);
        assertThat(clock.sleeps).containsOnly(100_000_000L).hasSize(6);
    }

    @Test
    void aFailureStopsTheReplayAndIsRethrown() {
        URI url = URI.create("http://127.0.0.1:1/v1/events");
        BatchSender refusing = batch -> {
            throw new ServiceUnreachableException(url, new java.net.ConnectException());
        };

        assertThatThrownBy(() -> new Replayer(refusing, Pacer.unpaced(clock), clock, stats, 2, 1, 0)
                .run(lines(events(10))))
                .isInstanceOf(ServiceUnreachableException.class)
                .hasMessageContaining("http://127.0.0.1:1/v1/events");
        assertThat(stats.linesRead()).isLessThan(10);
    }
}
