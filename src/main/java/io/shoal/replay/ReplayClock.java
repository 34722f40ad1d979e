package io.shoal.replay;

import java.util.concurrent.locks.LockSupport;

/** Monotonic time and waiting, injected so that pacing and backoff are tested without real waits. */
public interface ReplayClock {

    /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Waits {@code nanos} (nothing when <= 0). */
    void sleepNanos(long nanos) throws InterruptedException;

    /** Waits until {@link #nanoTime()} reaches {@code deadline}. */
    default void sleepUntil(long deadline) throws InterruptedException {
        long left = deadline - nanoTime();
        if (left > 0) {
            sleepNanos(left);
        }
    }

    ReplayClock SYSTEM = new ReplayClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            long deadline = System.nanoTime() + nanos;
            for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }
    };
}
