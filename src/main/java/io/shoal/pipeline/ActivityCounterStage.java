package io.shoal.pipeline;

import io.shoal.event.EventPosition;
import io.shoal.event.BehaviorEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.shoal.store.ActivityStore;
import io.smallrye.mutiny.Uni;

/**
 * First stage: per-user activity counters in Redis, one round trip per batch. In-memory batches are aggregated in
 * the JVM and added; Kafka batches (which may be redelivered) go through {@link ActivityStore#incrementOnce}, which
 * counts each event position once.
 */
@ApplicationScoped
public class ActivityCounterStage implements BatchStage {

    private final ActivityStore store;
    private final Counter redelivered;

    public ActivityCounterStage(ActivityStore store, MeterRegistry registry) {
        this.store = store;
        this.redelivered = Counter.builder("shoal.pipeline.events.redelivered")
                .description("Kafka events delivered again after they had been applied, skipped by position")
                .register(registry);
    }

    @Override
    public int order() {
        return 100;
    }

    @Override
    public String name() {
        return "activity-counters";
    }

    @Override
    public Uni<Void> process(MicroBatch batch) {
        if (!batch.positions().isEmpty()) {
            return store.incrementOnce(byUserAndPartition(batch))
                    .invoke(counted -> redelivered.increment(batch.size() - counted)).replaceWithVoid();
        }
        Map<String, Map<String, Long>> counts = new HashMap<>();
        for (BehaviorEvent e : batch.events()) {
            counts.computeIfAbsent(e.userId(), u -> new HashMap<>()).merge(e.type().wireName(), 1L, Long::sum);
        }
        return store.increment(counts, batch.size());
    }

    private static List<ActivityStore.PartitionEvents> byUserAndPartition(MicroBatch batch) {
        Map<String, ActivityStore.PartitionEvents> groups = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            BehaviorEvent e = batch.events().get(i);
            EventPosition p = batch.position(i);
            ActivityStore.PartitionEvents g = groups.computeIfAbsent(e.userId() + '\u0000' + p.partition(),
                    k -> new ActivityStore.PartitionEvents(e.userId(), p.partition(), new ArrayList<>(), new ArrayList<>()));
            g.offsets().add(p.offset());
            g.counters().add(e.type().wireName());
        }
        return List.copyOf(groups.values());
    }
}
