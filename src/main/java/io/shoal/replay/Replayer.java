package io.shoal.replay;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads lines, paces the events, cuts them into batches and keeps up to {@code concurrency} batches in flight.
 * A batch is sent when it holds {@code batchSize} events, or when the next event is not due until more than
 * {@link #LINGER_NANOS} after the batch was opened (so a slow --rate or --speedup still sends steadily instead of
 * holding events back until a batch fills), or at the end. With concurrency above 1 batches may arrive out of
 * order; {@code --concurrency 1} keeps file order.
 */
public final class Replayer {

    /** The longest a paced batch waits for more events. */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final BatchSender sender;
    private final Pacer pacer;
    private final ReplayClock clock;
    private final ReplayStats stats;
    private final int batchSize;
    private final int concurrency;
    private final long lineLimit;

    /** @param lineLimit lines to read at most; 0 for the whole file */
    public Replayer(BatchSender sender, Pacer pacer, ReplayClock clock, ReplayStats stats, int batchSize,
            int concurrency, long lineLimit) {
        if (batchSize < 1 || concurrency < 1 || lineLimit < 0) {
            throw new IllegalArgumentException("batchSize and concurrency must be >= 1 and lineLimit >= 0 but were "
                    + batchSize + ", " + concurrency + ", " + lineLimit);
        }
        this.sender = sender;
        this.pacer = pacer;
        this.clock = clock;
        this.stats = stats;
        this.batchSize = batchSize;
        this.concurrency = concurrency;
        this.lineLimit = lineLimit;
    }

    /**
     * Replays {@code source} to its end (or the line limit) and returns once every batch has its final answer.
     *
     * @throws ServiceUnreachableException as the sender throws it; nothing more is sent after it
     * @throws ReplayFailedException       as the sender throws it; nothing more is sent after it
     */
    public void run(LineSource source) throws IOException, InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, task -> {
            Thread t = new Thread(task, "replay-sender-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<ReplayEvent> batch = new ArrayList<>(batchSize);
            long openedAt = 0;
            MappingResult line;
            while ((lineLimit == 0 || stats.linesRead() < lineLimit) && failure.get() == null
                    && (line = source.next()) != null) {
                stats.linesRead.increment();
                if (line.isSkipped()) {
                    stats.skipped(line.skip());
                    continue;
                }
                long due = pacer.dueNanos(line.event());
                if (!batch.isEmpty() && due - openedAt > LINGER_NANOS) {
                    submit(batch, pool, inFlight, failure);
                    batch = new ArrayList<>(batchSize);
                }
                clock.sleepUntil(due);
                if (batch.isEmpty()) {
                    openedAt = clock.nanoTime();
                }
                batch.add(line.event());
                if (batch.size() == batchSize) {
                    submit(batch, pool, inFlight, failure);
                    batch = new ArrayList<>(batchSize);
                }
            }
            if (!batch.isEmpty() && failure.get() == null) {
                submit(batch, pool, inFlight, failure);
            }
            inFlight.acquire(concurrency);
        } finally {
            pool.shutdownNow();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof InterruptedException e) {
            throw e;
        }
        if (t != null) {
            throw new ReplayFailedException("a sender thread failed: " + t, t);
        }
    }

    private void submit(List<ReplayEvent> batch, ExecutorService pool, Semaphore inFlight,
            AtomicReference<Throwable> failure) throws InterruptedException {
        inFlight.acquire();
        if (failure.get() != null) {
            inFlight.release();
            return;
        }
        List<ReplayEvent> events = List.copyOf(batch);
        pool.execute(() -> {
            try {
                sender.send(events);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                inFlight.release();
            }
        });
    }
}
