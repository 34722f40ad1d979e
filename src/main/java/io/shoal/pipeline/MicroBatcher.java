package io.shoal.pipeline;

import io.shoal.event.Channels;
import io.shoal.event.BehaviorEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.shoal.config.PipelineConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Vertx;

/**
 * Groups the events of the {@value Channels#BEHAVIOR_EVENTS} channel into micro-batches of at most
 * {@code batchSize} events or {@code batchTimeout}, whichever comes first, and hands them to the
 * {@link BatchProcessor} one at a time.
 * <p>
 * Why not {@code Multi.group().intoLists().of(n, duration)}: that operator ignores downstream demand and fails the
 * stream when its timer fires while the consumer is busy. Here back-pressure is explicit instead: the channel
 * consumer method completes its {@code Uni} only when the event has a place, so when the processor is busy and
 * {@code maxPendingBatches} closed batches are waiting, the channel stops delivering and events stay in the
 * (bounded, admission-controlled) channel buffer. The timer only closes a batch when there is room for it, so it
 * can never overflow anything.
 * <p>
 * This is the in-memory path (role {@code all}): when a batch is done, its events' admission permits go back to the
 * {@link InFlightLimiter}. Kafka batches (role {@code worker}) go to the {@link BatchProcessor} directly.
 */
@ApplicationScoped
public class MicroBatcher {

    private final BatchProcessor processor;
    private final InFlightLimiter limiter;
    private final int batchSize;
    private final long timeoutNanos;
    private final int maxPending;
    private final Vertx vertx;

    private final Object lock = new Object();
    private List<BehaviorEvent> current;
    private long currentOpenedAt;
    private final ArrayDeque<MicroBatch> pending = new ArrayDeque<>();
    private boolean processing;
    private long nextSequence;
    /** The channel's delivery, parked while the current batch is full and there is no room to close it. */
    private UniEmitter<? super Void> parked;

    public MicroBatcher(BatchProcessor processor, InFlightLimiter limiter, PipelineConfig config, Vertx vertx) {
        if (config.batchSize() < 1) {
            throw new IllegalArgumentException("shoal.pipeline.batch-size must be >= 1 but was " + config.batchSize());
        }
        if (config.maxPendingBatches() < 1) {
            throw new IllegalArgumentException(
                    "shoal.pipeline.max-pending-batches must be >= 1 but was " + config.maxPendingBatches());
        }
        this.processor = processor;
        this.limiter = limiter;
        this.batchSize = config.batchSize();
        this.timeoutNanos = config.batchTimeout().toNanos();
        this.maxPending = config.maxPendingBatches();
        this.vertx = vertx;
        this.current = new ArrayList<>(batchSize);
    }

    void startTimer(@Observes StartupEvent ignored) {
        long period = Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 2);
        vertx.setPeriodic(period, id -> closeIfExpired());
    }

    /** Channel consumer: completes when the event has found a place in a batch. */
    @Incoming(Channels.BEHAVIOR_EVENTS)
    public Uni<Void> onEvent(BehaviorEvent event) {
        return Uni.createFrom().emitter(emitter -> {
            boolean admitted;
            synchronized (lock) {
                if (current.isEmpty()) {
                    currentOpenedAt = System.nanoTime();
                }
                current.add(event);
                admitted = current.size() < batchSize || closeCurrent();
                if (!admitted) {
                    parked = emitter;
                }
            }
            if (admitted) {
                emitter.complete(null);
            }
            startNext();
        });
    }

    /**
     * Closes the open batch, even a partial one, if there is room (used by the timer and by drain).
     *
     * @return whether there is now no open batch
     */
    boolean flush() {
        boolean done;
        synchronized (lock) {
            done = current.isEmpty() || closeCurrent();
        }
        startNext();
        return done;
    }

    /** True when no event is held here: no open, pending or running batch. */
    public boolean idle() {
        synchronized (lock) {
            return current.isEmpty() && pending.isEmpty() && !processing;
        }
    }

    private void closeIfExpired() {
        boolean expired;
        synchronized (lock) {
            expired = !current.isEmpty() && System.nanoTime() - currentOpenedAt >= timeoutNanos;
        }
        if (expired) {
            flush();
        }
    }

    /** Moves the open batch to the pending queue when there is room. Caller holds the lock. */
    private boolean closeCurrent() {
        if (pending.size() >= maxPending) {
            return false;
        }
        pending.add(new MicroBatch(nextSequence++, current));
        current = new ArrayList<>(batchSize);
        return true;
    }

    private void startNext() {
        MicroBatch next;
        UniEmitter<? super Void> resume = null;
        synchronized (lock) {
            if (processing || pending.isEmpty()) {
                return;
            }
            next = pending.poll();
            processing = true;
            // A place in the pending queue has opened: the parked delivery's full batch can close now.
            if (parked != null && current.size() >= batchSize && closeCurrent()) {
                resume = parked;
                parked = null;
            }
        }
        if (resume != null) {
            resume.complete(null);
        }
        processor.process(next).subscribe().with(
                ignored -> finished(next),
                failure -> {
                    Log.errorf(failure, "Micro-batch %d failed unexpectedly", next.sequence());
                    finished(next);
                });
    }

    private void finished(MicroBatch batch) {
        limiter.release(batch.size());
        synchronized (lock) {
            processing = false;
        }
        startNext();
    }

    /** The configured batch timeout, for those who wait on batches. */
    public Duration batchTimeout() {
        return Duration.ofNanos(timeoutNanos);
    }
}
