package io.shoal.replay;

/**
 * {@code --rate N}: at most {@code rate} events per second on average, with bursts of at most {@code burst}
 * events. A token bucket in its "virtual scheduling" form (GCRA): {@code tat} is the theoretical arrival time of
 * the next event; an event is due at {@code max(now, tat - tau)} with {@code tau = (burst - 1) / rate}, and each
 * event moves {@code tat} one interval {@code 1 / rate} past the later of its due time and the old {@code tat}.
 * Burst 1 spaces events exactly {@code 1 / rate} apart; a larger burst lets an idle sender catch up that many
 * events at once. Idle time does not accumulate more than {@code burst} tokens.
 */
public final class TokenBucketPacer implements Pacer {

    private final ReplayClock clock;
    private final double intervalNanos;
    private final double tauNanos;
    private double tat = Double.NaN;

    public TokenBucketPacer(double eventsPerSecond, int burst, ReplayClock clock) {
        if (!(eventsPerSecond > 0) || Double.isInfinite(eventsPerSecond)) {
            throw new IllegalArgumentException("rate must be a positive number of events per second but was "
                    + eventsPerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1 but was " + burst);
        }
        this.clock = clock;
        this.intervalNanos = 1e9 / eventsPerSecond;
        this.tauNanos = (burst - 1) * intervalNanos;
    }

    @Override
    public long dueNanos(ReplayEvent event) {
        long now = clock.nanoTime();
        if (Double.isNaN(tat)) {
            tat = now;
        }
        double due = Math.max(now, tat - tauNanos);
        tat = Math.max(tat, due) + intervalNanos;
        return (long) Math.ceil(due);
    }
}
