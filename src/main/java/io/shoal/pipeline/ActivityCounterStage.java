package io.shoal.pipeline;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.shoal.store.ActivityStore;
import io.smallrye.mutiny.Uni;

/** First stage: per-user activity counters in Redis, aggregated in the JVM, one round trip per batch. */
@ApplicationScoped
public class ActivityCounterStage implements BatchStage {

    private final ActivityStore store;

    public ActivityCounterStage(ActivityStore store) {
        this.store = store;
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
        Map<String, Map<String, Long>> counts = new HashMap<>();
        for (BehaviorEvent e : batch.events()) {
            counts.computeIfAbsent(e.userId(), u -> new HashMap<>()).merge(e.type().wireName(), 1L, Long::sum);
        }
        return store.increment(counts, batch.size());
    }
}
