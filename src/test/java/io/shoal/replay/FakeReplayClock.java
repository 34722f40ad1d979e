package io.shoal.replay;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that only moves when something sleeps on it, and remembers every sleep. */
final class FakeReplayClock implements ReplayClock {

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final List<Long> sleeps = new CopyOnWriteArrayList<>();

    @Override
    public long nanoTime() {
        return now.get();
    }

    @Override
    public void sleepNanos(long nanos) {
        sleeps.add(nanos);
        if (nanos > 0) {
            now.addAndGet(nanos);
        }
    }
}
