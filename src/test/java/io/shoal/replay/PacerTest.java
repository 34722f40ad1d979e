package io.shoal.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.shoal.event.EventType;

/** Pacing against a clock that only moves when told to; nothing here waits. */
class PacerTest {

    private final FakeReplayClock clock = new FakeReplayClock();
    private final long t0 = clock.nanoTime();

    private static ReplayEvent at(String instant) {
        return new ReplayEvent("e", "u", EventType.PURCHASE, "i", "t", null, null, null, Instant.parse(instant));
    }

    private List<Long> offsets(Pacer pacer, int events) {
        List<Long> due = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            due.add(pacer.dueNanos(at("2010-12-01T08:26:00Z")) - t0);
        }
        return due;
    }

    @Test
    void burstOneSpacesEventsOneIntervalApart() {
        assertThat(offsets(new TokenBucketPacer(4, 1, clock), 5))
                .containsExactly(0L, 250_000_000L, 500_000_000L, 750_000_000L, 1_000_000_000L);
    }

    @Test
    void aBurstGoesOutAtOnceThenTheRateHolds() {
        assertThat(offsets(new TokenBucketPacer(10, 3, clock), 5))
                .containsExactly(0L, 0L, 0L, 100_000_000L, 200_000_000L);
    }

    @Test
    void idleTimeSavesAtMostTheBurst() {
        TokenBucketPacer pacer = new TokenBucketPacer(10, 2, clock);
        pacer.dueNanos(at("2010-12-01T08:26:00Z"));
        clock.now.addAndGet(5_000_000_000L);
        long now = clock.nanoTime();

        assertThat(List.of(pacer.dueNanos(at("2010-12-01T08:26:00Z")) - now,
                pacer.dueNanos(at("2010-12-01T08:26:00Z")) - now, pacer.dueNanos(at("2010-12-01T08:26:00Z")) - now))
                .containsExactly(0L, 0L, 100_000_000L);
    }

    @Test
    void aSenderThatFallsBehindIsNotPunished() {
        TokenBucketPacer pacer = new TokenBucketPacer(10, 1, clock);
        pacer.dueNanos(at("2010-12-01T08:26:00Z"));
        clock.now.addAndGet(1_000_000_000L);

        assertThat(pacer.dueNanos(at("2010-12-01T08:26:00Z"))).isEqualTo(clock.nanoTime());
    }

    @Test
    void eventTimeIsReplayedSpeedupTimesFaster() {
        EventTimePacer pacer = new EventTimePacer(3600, clock);

        assertThat(List.of(pacer.dueNanos(at("2010-12-01T08:00:00Z")) - t0,
                pacer.dueNanos(at("2010-12-01T09:00:00Z")) - t0,
                pacer.dueNanos(at("2010-12-01T08:30:00Z")) - t0,
                pacer.dueNanos(at("2010-12-02T08:00:00Z")) - t0))
                .containsExactly(0L, 1_000_000_000L, 500_000_000L, 24_000_000_000L);
    }

    @Test
    void eventsBeforeTheFirstAreDueAtOnce() {
        EventTimePacer pacer = new EventTimePacer(60, clock);
        pacer.dueNanos(at("2017-03-01T12:00:00Z"));

        assertThat(pacer.dueNanos(at("2017-01-01T12:00:00Z"))).isEqualTo(t0);
    }

    @Test
    void parametersAreChecked() {
        assertThatThrownBy(() -> new TokenBucketPacer(0, 1, clock)).hasMessage(
                "rate must be a positive number of events per second but was 0.0");
        assertThatThrownBy(() -> new TokenBucketPacer(5, 0, clock)).hasMessage("burst must be at least 1 but was 0");
        assertThatThrownBy(() -> new EventTimePacer(-2, clock)).hasMessage(
                "speedup must be a positive number but was -2.0");
    }
}
