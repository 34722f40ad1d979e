package io.shoal.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one replay, written by the reader and the sender threads, read by the progress printer. */
public final class ReplayStats {

    /** How many rejection messages are kept for the summary. */
    static final int KEPT_MESSAGES = 5;

    final LongAdder linesRead = new LongAdder();
    final LongAdder eventsSent = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder retries = new LongAdder();
    private final Map<SkipReason, LongAdder> skipped = new EnumMap<>(SkipReason.class);
    private final List<String> rejectedMessages = new ArrayList<>(KEPT_MESSAGES);
    private long[] latencies = new long[1024];
    private int latencyCount;
    private volatile String lastRetryCause;

    public ReplayStats() {
        for (SkipReason reason : SkipReason.values()) {
            skipped.put(reason, new LongAdder());
        }
    }

    void skipped(SkipReason reason) {
        skipped.get(reason).increment();
    }

    /** A batch that got its final answer. */
    void answered(int sent, int acceptedEvents, int duplicateEvents, int rejectedEvents, List<String> messages) {
        eventsSent.add(sent);
        accepted.add(acceptedEvents);
        duplicates.add(duplicateEvents);
        rejected.add(rejectedEvents);
        if (!messages.isEmpty()) {
            synchronized (rejectedMessages) {
                for (String m : messages) {
                    if (rejectedMessages.size() < KEPT_MESSAGES) {
                        rejectedMessages.add(m);
                    }
                }
            }
        }
    }

    synchronized void latency(long nanos) {
        if (latencyCount == latencies.length) {
            latencies = Arrays.copyOf(latencies, latencies.length * 2);
        }
        latencies[latencyCount++] = nanos;
    }

    void retry(String cause) {
        retries.increment();
        lastRetryCause = cause;
    }

    public long linesRead() {
        return linesRead.sum();
    }

    public long eventsSent() {
        return eventsSent.sum();
    }

    public long accepted() {
        return accepted.sum();
    }

    public long duplicates() {
        return duplicates.sum();
    }

    public long rejected() {
        return rejected.sum();
    }

    public long requests() {
        return requests.sum();
    }

    public long retries() {
        return retries.sum();
    }

    /** Why the last resend happened ("503", "connection reset"), or null. */
    public String lastRetryCause() {
        return lastRetryCause;
    }

    public long skippedTotal() {
        return skipped.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Non-zero skip counts by reason label, in enum order. */
    public Map<String, Long> skippedByReason() {
        Map<String, Long> counts = new LinkedHashMap<>();
        skipped.forEach((reason, count) -> {
            if (count.sum() > 0) {
                counts.put(reason.label(), count.sum());
            }
        });
        return counts;
    }

    public List<String> rejectedMessages() {
        synchronized (rejectedMessages) {
            return List.copyOf(rejectedMessages);
        }
    }

    /** The nearest-rank percentile (0 < p <= 100) of the request latencies in milliseconds; 0 when none. */
    public synchronized double latencyMillis(double percentile) {
        if (latencyCount == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100 * latencyCount);
        return sorted[Math.min(Math.max(rank, 1), latencyCount) - 1] / 1e6;
    }
}
