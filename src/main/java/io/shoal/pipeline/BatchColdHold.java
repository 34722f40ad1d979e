package io.shoal.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import io.shoal.event.BehaviorEvent;
import io.shoal.event.EventPosition;
import io.smallrye.mutiny.Uni;

/**
 * {@link ColdHold} for a source whose batches are acknowledged as a whole (the worker's Kafka consumer: a polled
 * batch is one acknowledgement, and the connector commits an offset only once everything before it is
 * acknowledged). The event log of the role {@code all} acknowledges entry by entry and keeps its waiting entries
 * itself ({@link EventLogConsumer}).
 *
 * <h2>Rules</h2>
 * <ul>
 * <li><b>One round at a time.</b> {@link #offer} (a polled batch) and {@link #release} (no new events) are rounds,
 * run one after the other in the order they were asked for, so the waiting events and the order in which events are
 * applied are the log's.</li>
 * <li><b>A round</b> starts the slow work of its new events ({@link EventReadiness}), splits the events that waited
 * and the new ones by {@link ColdHold#split} and applies the ones that go now as one {@link MicroBatch}; the others
 * wait, with their batches unacknowledged.</li>
 * <li><b>A batch is acknowledged when the last of its events has been applied</b>, which may be after later batches
 * (whose acknowledgement then commits nothing until the earlier one's does). A round that fails fails every batch
 * with an event in it, once; their events that still wait are applied later all the same (positions make that
 * harmless), but those batches are not acknowledged any more.</li>
 * <li><b>Waiting events go as soon as they can</b>: when the slow work of a round's waiting events ends, a release
 * round applies what is ready, without waiting for the next poll.</li>
 * <li><b>Closing</b>: from {@link #close} on nothing waits; a release applies everything that waited (each such
 * batch then waits for the model as a whole).</li>
 * </ul>
 */
public final class BatchColdHold {

    /** How a batch of the source is acknowledged. Called once: {@code ack} or {@code fail}. */
    public interface Ticket {

        CompletionStage<Void> ack();

        CompletionStage<Void> fail(Throwable failure);
    }

    /**
     * One event of a polled batch.
     *
     * @param origin the W3C traceparent of the request that brought it, or null
     */
    public record Arrival(BehaviorEvent event, EventPosition position, String origin) {
    }

    private final Function<MicroBatch, Uni<Void>> processor;
    private final EventReadiness readiness;
    private final int maxWaiting;
    private final Executor releases;
    private final LongSupplier sequence;
    private final LongConsumer waited;
    /** The last round asked for; never fails. */
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    /** Events waiting, in log order; read and written by rounds only (one at a time). */
    private volatile List<Held> waiting = List.of();
    private volatile boolean closed;
    /** Rounds asked for and not ended. */
    private final AtomicInteger rounds = new AtomicInteger();

    /**
     * @param processor  applies a micro-batch (the {@link BatchProcessor})
     * @param readiness  which events wait for slow work, started in the background
     * @param maxWaiting {@link ColdHold}'s bound; 0 = nothing ever waits
     * @param releases   where a release round starts (a Vert.x context), not on the thread that ended the work
     * @param sequence   the next micro-batch's number
     * @param waited     counts events that started to wait
     */
    public BatchColdHold(Function<MicroBatch, Uni<Void>> processor, EventReadiness readiness, int maxWaiting,
            Executor releases, LongSupplier sequence, LongConsumer waited) {
        if (maxWaiting < 0) {
            throw new IllegalArgumentException(
                    "shoal.pipeline.max-cold-waiting must be >= 0 but was " + maxWaiting);
        }
        this.processor = processor;
        this.readiness = readiness;
        this.maxWaiting = maxWaiting;
        this.releases = releases;
        this.sequence = sequence;
        this.waited = waited;
    }

    /**
     * A polled batch, in log order. Completes when its round has ended: the events that go now are applied and the
     * batches that ended are acknowledged (or failed); its own acknowledgement may come in a later round.
     */
    public Uni<Void> offer(List<Arrival> events, Ticket ticket) {
        if (events.isEmpty()) {
            return Uni.createFrom().completionStage(ticket::ack);
        }
        Batch batch = new Batch(ticket, events.size());
        List<Held> incoming = new ArrayList<>(events.size());
        for (Arrival a : events) {
            incoming.add(new Held(a, batch, null));
        }
        return Uni.createFrom().completionStage(() -> enqueue(incoming));
    }

    /** Asks for a round without new events: waiting events that are ready now go. */
    public void release() {
        releases.execute(() -> enqueue(List.of()));
    }

    /** From now on nothing waits; what waits is applied in a release. */
    public void close() {
        closed = true;
        release();
    }

    /** Events waiting now. */
    public int waiting() {
        return waiting.size();
    }

    /**
     * Whether events wait or a round is asked for or running: what a drain waits for (a release round takes the
     * events it applies off the waiting list before it applies them).
     */
    public boolean busy() {
        return rounds.get() > 0 || !waiting.isEmpty();
    }

    private CompletableFuture<Void> enqueue(List<Held> incoming) {
        rounds.incrementAndGet();
        CompletableFuture<Void> start = new CompletableFuture<>();
        CompletableFuture<Void> round = start.thenCompose(ignored -> round(incoming).subscribeAsCompletionStage());
        round.whenComplete((ok, failure) -> rounds.decrementAndGet());
        CompletableFuture<Void> previous;
        synchronized (this) {
            previous = tail;
            tail = round.handle((ok, failure) -> null);
        }
        // Outside the lock: a round that runs at once may ask for the next (a release), which queues behind it.
        previous.whenComplete((ok, failure) -> start.complete(null));
        return round;
    }

    private Uni<Void> round(List<Held> incoming) {
        boolean hold = maxWaiting > 0 && !closed;
        if (incoming.isEmpty() && waiting.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Uni<EventReadiness.Warming> warming = hold && !incoming.isEmpty()
                ? Uni.createFrom().deferred(() -> readiness.warm(incoming.stream().map(h -> h.arrival().event())
                        .toList())).onFailure().recoverWithItem(EventReadiness.Warming.none())
                : Uni.createFrom().item(EventReadiness.Warming.none());
        return warming.chain(warm -> {
            List<Held> inOrder = new ArrayList<>(waiting);
            Set<Held> fresh = Collections.newSetFromMap(new IdentityHashMap<>());
            for (int i = 0; i < incoming.size(); i++) {
                Held h = warm.slow().get(i) ? incoming.get(i).until(warm.done()) : incoming.get(i);
                inOrder.add(h);
                fresh.add(h);
            }
            ColdHold.Split<Held> split = hold
                    ? ColdHold.split(inOrder, Held::shoppers, Held::ready, maxWaiting)
                    : new ColdHold.Split<>(inOrder, List.of());
            waiting = split.waiting();
            long started = split.waiting().stream().filter(fresh::contains).count();
            if (started > 0) {
                waited.accept(started);
            }
            if (!warm.slow().isEmpty() && !split.waiting().isEmpty()) {
                warm.done().whenComplete((ok, failure) -> release());
            }
            if (split.now().isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            List<BehaviorEvent> events = new ArrayList<>(split.now().size());
            List<EventPosition> positions = new ArrayList<>(split.now().size());
            Set<String> origins = new LinkedHashSet<>();
            for (Held h : split.now()) {
                events.add(h.arrival().event());
                positions.add(h.arrival().position());
                if (h.arrival().origin() != null) {
                    origins.add(h.arrival().origin());
                }
            }
            MicroBatch micro = new MicroBatch(sequence.getAsLong(), events, positions, List.copyOf(origins));
            return Uni.createFrom().deferred(() -> processor.apply(micro))
                    .onItemOrFailure().transformToUni((ok, failure) -> settle(split.now(), failure));
        });
    }

    /** Acknowledges the batches whose last event was just applied, or fails every batch of a failed round. */
    private static Uni<Void> settle(List<Held> applied, Throwable failure) {
        Set<Batch> batches = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Batch> inOrder = new ArrayList<>();
        for (Held h : applied) {
            if (failure == null) {
                h.batch().left--;
            }
            if (batches.add(h.batch())) {
                inOrder.add(h.batch());
            }
        }
        List<Uni<Void>> answers = new ArrayList<>();
        for (Batch b : inOrder) {
            if (b.resolved || (failure == null && b.left > 0)) {
                continue;
            }
            b.resolved = true;
            answers.add(Uni.createFrom().completionStage(() -> failure == null ? b.ticket.ack()
                    : b.ticket.fail(failure)));
        }
        return answers.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(answers).andCollectFailures().replaceWithVoid();
    }

    /** A polled batch and how many of its events are not applied yet (changed by rounds only). */
    private static final class Batch {
        final Ticket ticket;
        int left;
        boolean resolved;

        Batch(Ticket ticket, int events) {
            this.ticket = ticket;
            this.left = events;
        }
    }

    /** An event, its batch and the slow work it waits for (null: none). */
    private record Held(Arrival arrival, Batch batch, CompletionStage<?> warmed) {

        Held until(CompletionStage<?> done) {
            return new Held(arrival, batch, done);
        }

        boolean ready() {
            return warmed == null || warmed.toCompletableFuture().isDone();
        }

        List<String> shoppers() {
            return ColdHold.shoppers(arrival.event());
        }
    }
}
