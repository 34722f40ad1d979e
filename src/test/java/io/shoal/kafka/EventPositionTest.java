package io.shoal.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.shoal.event.EventPosition;
import io.shoal.pipeline.MicroBatch;

/** The per-user high-water mark that makes a redelivered Kafka event a no-op. */
class EventPositionTest {

    @Test
    void anEventAtOrBelowTheAppliedOffsetOfItsPartitionWasApplied() {
        EventPosition applied = new EventPosition(3, 41);
        assertThat(new EventPosition(3, 40).appliedBy(applied)).isTrue();
        assertThat(new EventPosition(3, 41).appliedBy(applied)).isTrue();
        assertThat(new EventPosition(3, 42).appliedBy(applied)).isFalse();
    }

    @Test
    void nothingIsAppliedForAUserWithoutPositionOrOnAnotherPartition() {
        assertThat(new EventPosition(0, 0).appliedBy(null)).isFalse();
        // After repartitioning the old mark says nothing about the new partition's offsets.
        assertThat(new EventPosition(1, 5).appliedBy(new EventPosition(0, 900))).isFalse();
    }

    @Test
    void encodesAsPartitionColonOffsetAndBack() {
        EventPosition p = new EventPosition(5, 9_007_199_254_740_000L);
        assertThat(p.encode()).isEqualTo("5:9007199254740000");
        assertThat(EventPosition.decode(p.encode())).isEqualTo(p);
        assertThat(EventPosition.decode(null)).isNull();
        assertThatThrownBy(() -> EventPosition.decode("17"))
                .hasMessage("an event position must look like partition:offset but was 17");
    }

    @Test
    void aKafkaBatchNeedsOnePositionPerEvent() {
        assertThatThrownBy(() -> new MicroBatch(1, List.of(), List.of(new EventPosition(0, 1))))
                .hasMessage("a micro-batch needs one position per event but had 1 positions for 0 events");
    }

    @Test
    void streamEntryIdsMapToIncreasingPositionsOnTheirOwnPartition() {
        EventPosition a = EventPosition.ofStreamId("1764625200000-0");
        EventPosition b = EventPosition.ofStreamId("1764625200000-1");
        EventPosition c = EventPosition.ofStreamId("1764625200001-0");
        assertThat(a.partition()).isEqualTo(EventPosition.STREAM_PARTITION);
        assertThat(a.offset()).isLessThan(b.offset());
        assertThat(b.offset()).isLessThan(c.offset());
        assertThat(b.appliedBy(c)).isTrue();
        assertThat(c.appliedBy(b)).isFalse();
        assertThat(EventPosition.decode(c.encode())).isEqualTo(c);
        // A Kafka mark says nothing about the stream and the other way round.
        assertThat(a.appliedBy(new EventPosition(0, Long.MAX_VALUE))).isFalse();
        assertThatThrownBy(() -> EventPosition.ofStreamId("17")).hasMessageContaining("ms-seq");
    }

    @Test
    void theEventsOfAnEntryTakeTheSequenceNumbersFromItsIdOn() {
        EventPosition third = EventPosition.ofStreamId("1764625200000-3", 2);
        assertThat(third.offset()).isEqualTo(1764625200000L << 20 | 5);
        assertThat(EventPosition.ofStreamId("1764625200000-3", 0))
                .isEqualTo(EventPosition.ofStreamId("1764625200000-3"));
        // The next entry of the same millisecond starts after the last sequence number the entry reserved.
        assertThat(EventPosition.ofStreamId("1764625200000-6", 0).offset()).isGreaterThan(third.offset());
        assertThatThrownBy(() -> EventPosition.ofStreamId("1764625200000-3", -1)).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> EventPosition.ofStreamId("1764625200000-" + ((1 << 20) - 1), 1))
                .hasMessageContaining("does not fit");
    }
}
