package io.shoal.pipeline;

import io.shoal.event.EventPosition;
import io.shoal.event.BehaviorEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.shoal.store.ActivityStore;
import io.smallrye.mutiny.Uni;

/**
 * Last stage: per-user activity counters in Redis, one round trip per batch, through
 * {@link ActivityStore#incrementOnce}, which counts each event position once: a retried or redelivered batch,
 * however it is composed, adds nothing twice. It runs after the segmentation, so an event that fails there (and is
 * dead-lettered alone, see BatchProcessor) was never counted either: a dead letter has no effect at all, and its
 * replay applies it exactly once.
 */
@ApplicationScoped
public class ActivityCounterStage implements BatchStage {

    private final ActivityStore store;
    private final Counter redelivered;

    public ActivityCounterStage(ActivityStore store, MeterRegistry registry) {
        this.store = store;
        this.redelivered = Counter.builder("shoal.pipeline.events.redelivered")
                .description("Events delivered again after they had been applied (a retry or a redelivery), skipped by position")
                .register(registry);
    }

    @Override
    public int order() {
        return 300;
    }

    @Override
    public String name() {
        return "activity-counters";
    }

    @Override
    public Uni<Void> process(MicroBatch batch) {
        long behaviour = batch.events().stream().filter(e -> e.type().behaviour()).count();
        return store.incrementOnce(byUserAndPartition(batch))
                .invoke(counted -> redelivered.increment(behaviour - counted)).replaceWithVoid();
    }

    private static List<ActivityStore.PartitionEvents> byUserAndPartition(MicroBatch batch) {
        Map<String, ActivityStore.PartitionEvents> groups = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            BehaviorEvent e = batch.events().get(i);
            if (!e.type().behaviour()) {
                continue; // an identity merge is not activity (IdentityMergeStage applies it)
            }
            EventPosition p = batch.position(i);
            ActivityStore.PartitionEvents g = groups.computeIfAbsent(e.userId() + '\u0000' + p.partition(),
                    k -> new ActivityStore.PartitionEvents(e.userId(), p.partition(), new ArrayList<>(), new ArrayList<>()));
            g.offsets().add(p.offset());
            g.counters().add(e.type().wireName());
        }
        return List.copyOf(groups.values());
    }
}
