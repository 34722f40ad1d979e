package io.shoal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shoal.event.BehaviorEvent;
import io.shoal.event.EventPosition;
import io.shoal.event.EventType;

class PipelineLagTest {

    private static BehaviorEvent acceptedAt(long millis) {
        return new BehaviorEvent("e" + millis, "u", EventType.VIEW, null, "t", null, null, null,
                Instant.ofEpochMilli(millis), Instant.ofEpochMilli(millis));
    }

    private static MicroBatch batch(long... accepted) {
        List<BehaviorEvent> events = java.util.Arrays.stream(accepted).mapToObj(PipelineLagTest::acceptedAt).toList();
        List<EventPosition> positions = events.stream().map(e -> new EventPosition(0, 1)).toList();
        return new MicroBatch(1, events, positions);
    }

    @Test
    void theLagIsTheAgeOfTheOldestWaitingEventAndZeroWhenNothingWaits() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PipelineLag lag = new PipelineLag(registry);
        assertThat(lag.seconds(10_000)).isZero();

        Object first = lag.applying(batch(4_000, 2_500, 3_000));
        assertThat(lag.seconds(10_000)).isEqualTo(7.5);
        lag.queued(1_000); // an older entry still in the log (pending from before a restart)
        assertThat(lag.seconds(10_000)).isEqualTo(9.0);
        lag.queued(6_000);
        assertThat(lag.seconds(10_000)).isEqualTo(7.5);
        lag.applied(first);
        assertThat(lag.seconds(10_000)).isEqualTo(4.0);
        lag.queued(0);
        assertThat(lag.seconds(10_000)).isZero();
        assertThat(registry.get("shoal.pipeline.lag").gauge().getId().getBaseUnit()).isEqualTo("seconds");
    }

    @Test
    void concurrentBatchesCountByTheirOldest() {
        PipelineLag lag = new PipelineLag(new SimpleMeterRegistry());
        Object a = lag.applying(batch(5_000));
        Object b = lag.applying(batch(2_000));
        assertThat(lag.seconds(6_000)).isEqualTo(4.0);
        lag.applied(b);
        assertThat(lag.seconds(6_000)).isEqualTo(1.0);
        lag.applied(a);
        assertThat(lag.seconds(6_000)).isZero();
    }
}
