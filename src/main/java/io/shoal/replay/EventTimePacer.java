package io.shoal.replay;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code --speedup X}: replays the events' own timing, X times faster than it happened. The first event anchors
 * both clocks; an event that occurred {@code d} after the first is due {@code d / X} after the first was sent.
 * Events out of time order (the Complete Journey sample is not sorted) are due at once. The Online Retail data
 * span a year: X = 3,600 replays an hour per second, about 2.5 hours in all; X = 86,400 a day per second.
 */
public final class EventTimePacer implements Pacer {

    private final ReplayClock clock;
    private final double speedup;
    private long anchorNanos;
    private Instant anchorEventTime;

    public EventTimePacer(double speedup, ReplayClock clock) {
        if (!(speedup > 0) || Double.isInfinite(speedup)) {
            throw new IllegalArgumentException("speedup must be a positive number but was " + speedup);
        }
        this.speedup = speedup;
        this.clock = clock;
    }

    @Override
    public long dueNanos(ReplayEvent event) {
        if (anchorEventTime == null) {
            anchorEventTime = event.occurredAt();
            anchorNanos = clock.nanoTime();
            return anchorNanos;
        }
        double eventNanos = Duration.between(anchorEventTime, event.occurredAt()).toNanos();
        return anchorNanos + (long) Math.max(0, eventNanos / speedup);
    }
}
