package io.shoal.replay;

/**
 * Decides when each event may be sent. Called once per event, in file order, from one thread.
 */
public interface Pacer {

    /** The {@link ReplayClock#nanoTime()} at or after which {@code event} may go out. */
    long dueNanos(ReplayEvent event);

    /** No pacing: every event is due now. */
    static Pacer unpaced(ReplayClock clock) {
        return event -> clock.nanoTime();
    }
}
