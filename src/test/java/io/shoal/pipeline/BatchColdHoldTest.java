package io.shoal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.shoal.event.BehaviorEvent;
import io.shoal.event.EventPosition;
import io.shoal.event.EventType;
import io.smallrye.mutiny.Uni;

/**
 * {@link BatchColdHold}, driven like the worker's Kafka consumer drives it, with the slow work and the stages under
 * the test's control: which events go when, in which micro-batches, and when each polled batch is acknowledged.
 */
class BatchColdHoldTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** Texts starting with "cold" are slow; their work ends when the test completes {@link #model}. */
    private CompletableFuture<Void> model = new CompletableFuture<>();
    private final List<List<String>> applied = new ArrayList<>();
    private final List<String> acks = new ArrayList<>();
    private final AtomicLong waited = new AtomicLong();
    private long offset;
    private Function<MicroBatch, Uni<Void>> stages = batch -> {
        applied.add(batch.events().stream().map(BehaviorEvent::eventId).toList());
        return Uni.createFrom().voidItem();
    };

    private final EventReadiness readiness = events -> {
        BitSet slow = new BitSet();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).text().startsWith("cold")) {
                slow.set(i);
            }
        }
        return Uni.createFrom().item(new EventReadiness.Warming(slow, model));
    };

    private BatchColdHold hold(int maxWaiting) {
        AtomicLong sequence = new AtomicLong();
        return new BatchColdHold(b -> stages.apply(b), readiness, maxWaiting, Runnable::run,
                sequence::incrementAndGet, waited::addAndGet);
    }

    private BatchColdHold.Arrival event(String id, String user, String text) {
        BehaviorEvent e = new BehaviorEvent(id, user, EventType.VIEW, null, text, null, null, null, Instant.EPOCH,
                Instant.EPOCH, null, null);
        return new BatchColdHold.Arrival(e, new EventPosition(0, offset++), null);
    }

    private BatchColdHold.Ticket ticket(String name) {
        return new BatchColdHold.Ticket() {
            @Override
            public CompletionStage<Void> ack() {
                acks.add(name);
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletionStage<Void> fail(Throwable failure) {
                acks.add(name + " failed: " + failure.getMessage());
                return CompletableFuture.completedFuture(null);
            }
        };
    }

    @Test
    void aColdTextHoldsItsShopperAndItsBatchWhileLaterBatchesGoOnAndAreAcknowledged() {
        BatchColdHold hold = hold(100);
        hold.offer(List.of(event("c1", "C", "cold new title"), event("w1", "W", "known title"),
                event("c2", "C", "known title")), ticket("A")).await().atMost(WAIT);
        assertThat(applied).containsExactly(List.of("w1"));
        assertThat(acks).as("A still has C's two events to apply").isEmpty();
        assertThat(hold.waiting()).isEqualTo(2);
        assertThat(waited.get()).isEqualTo(2);

        hold.offer(List.of(event("w2", "W", "known title"), event("c3", "C", "known title")), ticket("B"))
                .await().atMost(WAIT);
        assertThat(applied).containsExactly(List.of("w1"), List.of("w2"));
        assertThat(acks).as("B's W event is applied, its C event waits behind c1").isEmpty();
        assertThat(hold.waiting()).isEqualTo(3);

        hold.offer(List.of(event("w3", "W", "known title")), ticket("D")).await().atMost(WAIT);
        assertThat(acks).as("a later batch is acknowledged before the earlier ones").containsExactly("D");

        // The model ends: a release round applies C's events in log order without a new poll.
        model.complete(null);
        assertThat(applied).containsExactly(List.of("w1"), List.of("w2"), List.of("w3"), List.of("c1", "c2", "c3"));
        assertThat(acks).containsExactly("D", "A", "B");
        assertThat(hold.waiting()).isZero();
    }

    @Test
    void anEmptyBatchIsAcknowledgedAtOnceAndNothingWaitsWhenTheRuleIsOff() {
        BatchColdHold hold = hold(0);
        hold.offer(List.of(), ticket("empty")).await().atMost(WAIT);
        hold.offer(List.of(event("c1", "C", "cold new title"), event("w1", "W", "known title")), ticket("A"))
                .await().atMost(WAIT);
        assertThat(applied).containsExactly(List.of("c1", "w1"));
        assertThat(acks).containsExactly("empty", "A");
        assertThat(waited.get()).isZero();
        assertThatThrownBy(() -> hold(-1)).hasMessageContaining("max-cold-waiting");
    }

    @Test
    void pastTheBoundTheBatchGoesAsAWhole() {
        BatchColdHold hold = hold(1);
        hold.offer(List.of(event("c1", "C", "cold one"), event("d1", "D", "cold two"), event("w1", "W", "known")),
                ticket("A")).await().atMost(WAIT);
        assertThat(applied).containsExactly(List.of("c1", "d1", "w1"));
        assertThat(acks).containsExactly("A");
    }

    @Test
    void closingAppliesWhatWaitsAndThenNothingWaits() {
        BatchColdHold hold = hold(100);
        hold.offer(List.of(event("c1", "C", "cold new title"), event("w1", "W", "known")), ticket("A"))
                .await().atMost(WAIT);
        assertThat(acks).isEmpty();
        hold.close();
        assertThat(applied).containsExactly(List.of("w1"), List.of("c1"));
        assertThat(acks).containsExactly("A");
        hold.offer(List.of(event("c2", "C", "cold other"), event("w2", "W", "known")), ticket("B"))
                .await().atMost(WAIT);
        assertThat(applied).last().isEqualTo(List.of("c2", "w2"));
        assertThat(acks).containsExactly("A", "B");
    }

    @Test
    void whileClosingTheReleaseRoundKeepsTheHoldBusyUntilItsEventsAreApplied() {
        BatchColdHold hold = hold(100);
        hold.offer(List.of(event("c1", "C", "cold new title")), ticket("A")).await().atMost(WAIT);
        assertThat(hold.busy()).as("an event waits").isTrue();
        CompletableFuture<Void> stagesDone = new CompletableFuture<>();
        stages = batch -> {
            applied.add(batch.events().stream().map(BehaviorEvent::eventId).toList());
            return Uni.createFrom().completionStage(stagesDone);
        };
        hold.close();
        assertThat(applied).containsExactly(List.of("c1"));
        assertThat(hold.waiting()).as("taken off the list to be applied").isZero();
        assertThat(hold.busy()).as("but not applied yet: a drain must wait").isTrue();
        stagesDone.complete(null);
        assertThat(hold.busy()).isFalse();
        assertThat(acks).containsExactly("A");
    }

    @Test
    void aFailedRoundFailsEachOfItsBatchesOnceAndTheWaitingEventsStay() {
        BatchColdHold hold = hold(100);
        hold.offer(List.of(event("c1", "C", "cold new title"), event("w1", "W", "known")), ticket("A"))
                .await().atMost(WAIT);
        stages = batch -> Uni.createFrom().failure(new IllegalStateException("redis down"));
        hold.offer(List.of(event("w2", "W", "known"), event("x1", "X", "known")), ticket("B")).await().atMost(WAIT);
        assertThat(acks).containsExactly("B failed: redis down");
        assertThat(hold.waiting()).isEqualTo(1);

        stages = batch -> {
            applied.add(batch.events().stream().map(BehaviorEvent::eventId).toList());
            return Uni.createFrom().failure(new IllegalStateException("postgres down"));
        };
        model.complete(null);
        assertThat(applied).last().isEqualTo(List.of("c1"));
        assertThat(acks).containsExactly("B failed: redis down", "A failed: postgres down");
    }

    @Test
    void roundsRunOneAtATimeInTheOrderTheyWereAskedFor() {
        List<CompletableFuture<Void>> running = new ArrayList<>();
        stages = batch -> {
            applied.add(batch.events().stream().map(BehaviorEvent::eventId).toList());
            CompletableFuture<Void> done = new CompletableFuture<>();
            running.add(done);
            return Uni.createFrom().completionStage(done);
        };
        BatchColdHold hold = hold(100);
        assertThat(hold.busy()).isFalse();
        CompletableFuture<Void> first = hold.offer(List.of(event("a1", "A", "known")), ticket("1"))
                .subscribeAsCompletionStage();
        assertThat(hold.busy()).as("a round is running, nothing waits").isTrue();
        assertThat(hold.waiting()).isZero();
        CompletableFuture<Void> second = hold.offer(List.of(event("b1", "B", "known")), ticket("2"))
                .subscribeAsCompletionStage();
        assertThat(applied).as("the second round waits for the first").containsExactly(List.of("a1"));
        assertThat(first).isNotDone();
        running.get(0).complete(null);
        assertThat(first).isDone();
        assertThat(applied).containsExactly(List.of("a1"), List.of("b1"));
        assertThat(second).isNotDone();
        running.get(1).complete(null);
        assertThat(second).isDone();
        assertThat(acks).containsExactly("1", "2");
        assertThat(hold.busy()).isFalse();
    }

    /**
     * Random polls of random shoppers, some texts cold, the model ending at random moments: every event applied
     * once, each shopper's in log order, and each batch acknowledged once, after the last of its events.
     */
    @Test
    void everyEventIsAppliedOnceInEachShoppersOrderAndEveryBatchIsAcknowledgedAfterItsLastEvent() {
        Random random = new Random(7);
        for (int run = 0; run < 200; run++) {
            applied.clear();
            acks.clear();
            List<CompletableFuture<Void>> models = new ArrayList<>();
            Map<String, Integer> eventBatch = new HashMap<>();
            Map<String, Long> eventOffset = new HashMap<>();
            Map<String, String> eventUser = new HashMap<>();
            Map<Integer, Integer> ackedAfter = new HashMap<>();
            List<String> order = new ArrayList<>();
            stages = batch -> {
                applied.add(batch.events().stream().map(BehaviorEvent::eventId).toList());
                order.addAll(applied.get(applied.size() - 1));
                return Uni.createFrom().voidItem();
            };
            EventReadiness randomModel = events -> {
                BitSet slow = new BitSet();
                for (int i = 0; i < events.size(); i++) {
                    if (events.get(i).text().startsWith("cold")) {
                        slow.set(i);
                    }
                }
                CompletableFuture<Void> done = new CompletableFuture<>();
                models.add(done);
                return Uni.createFrom().item(new EventReadiness.Warming(slow, done));
            };
            BatchColdHold hold = new BatchColdHold(b -> stages.apply(b), randomModel, 1 + random.nextInt(20),
                    Runnable::run, new AtomicLong()::incrementAndGet, n -> {
                    });
            int batches = 2 + random.nextInt(8);
            int events = 0;
            for (int b = 0; b < batches; b++) {
                List<BatchColdHold.Arrival> poll = new ArrayList<>();
                for (int i = random.nextInt(6); i > 0; i--) {
                    String id = "e" + events++;
                    String user = "u" + random.nextInt(4);
                    BatchColdHold.Arrival a = event(id, user, random.nextInt(4) == 0 ? "cold" : "warm");
                    poll.add(a);
                    eventBatch.put(id, b);
                    eventOffset.put(id, a.position().offset());
                    eventUser.put(id, user);
                }
                int batch = b;
                hold.offer(poll, new BatchColdHold.Ticket() {
                    @Override
                    public CompletionStage<Void> ack() {
                        assertThat(ackedAfter).doesNotContainKey(batch);
                        ackedAfter.put(batch, order.size());
                        return CompletableFuture.completedFuture(null);
                    }

                    @Override
                    public CompletionStage<Void> fail(Throwable failure) {
                        throw new AssertionError(failure);
                    }
                }).await().atMost(WAIT);
                for (CompletableFuture<Void> m : models) {
                    if (random.nextInt(3) == 0) {
                        m.complete(null);
                    }
                }
            }
            models.forEach(m -> m.complete(null));
            hold.release();

            assertThat(order).as("run %d: every event applied once", run).hasSize(events)
                    .doesNotHaveDuplicates();
            Map<String, Long> last = new HashMap<>();
            for (String id : order) {
                Long before = last.put(eventUser.get(id), eventOffset.get(id));
                assertThat(before == null || before < eventOffset.get(id))
                        .as("run %d: %s applied after a later event of %s", run, id, eventUser.get(id)).isTrue();
            }
            for (String id : order) {
                int b = eventBatch.get(id);
                assertThat(ackedAfter).as("run %d: batch %d acknowledged", run, b).containsKey(b);
                assertThat(order.indexOf(id)).as("run %d: %s applied before its batch %d was acknowledged", run, id,
                        b).isLessThan(ackedAfter.get(b));
            }
            assertThat(hold.waiting()).isZero();
        }
    }
}
