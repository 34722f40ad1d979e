package io.shoal.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shoal.config.SegmentationConfig;
import io.shoal.inference.EmbeddedEvent;
import io.shoal.inference.EventEmbedder;
import io.shoal.segmentation.SegmentBatchPlanner.Plan;
import io.shoal.segmentation.SegmentBatchPlanner.PlannedEvent;
import io.shoal.segmentation.SegmentBatchPlanner.UserState;
import io.shoal.segmentation.StreamingKMeans;
import io.shoal.store.SegmentStore;
import io.shoal.store.StoredUser;
import io.smallrye.mutiny.Uni;

/**
 * Second stage: embed the batch's texts, update the users' profiles and the segment model, record the changes.
 * Round trips per batch: the embedding cache's (see EmbeddingService), one Redis load, one PostgreSQL transaction
 * when users changed segment, one Redis script.
 */
@ApplicationScoped
public class SegmentationStage implements BatchStage {

    /** Recent texts offered per batch to the sample that describes segments. */
    static final int RECENT_TEXTS_PER_BATCH = 32;

    private final EventEmbedder embedder;
    private final SegmentStore store;
    private final SegmentWriter writer;
    private final SegmentModelManager manager;
    private final SegmentationConfig config;
    private final Map<EventType, Double> weights = new HashMap<>();
    private final Timer planTimer;
    private final Timer visibleLatency;

    public SegmentationStage(EventEmbedder embedder, SegmentStore store, SegmentWriter writer,
            SegmentModelManager manager, SegmentationConfig config, MeterRegistry registry) {
        this.embedder = embedder;
        this.store = store;
        this.writer = writer;
        this.manager = manager;
        this.config = config;
        for (EventType t : EventType.values()) {
            Double w = config.eventWeights().get(t.wireName());
            if (w == null || !Double.isFinite(w)) {
                throw new IllegalArgumentException("shoal.segmentation.event-weights must give a finite weight for "
                        + t.wireName() + " but had " + config.eventWeights());
            }
            weights.put(t, w);
        }
        this.planTimer = Timer.builder("shoal.segmentation.plan.latency")
                .description("Time to update profiles and plan the model update of one batch")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.visibleLatency = Timer.builder("shoal.pipeline.event.visible.latency")
                .description("From an event's acceptance to its effect on the shopper's segment state in Redis")
                .publishPercentiles(0.5, 0.95, 0.99).register(registry);
    }

    @Override
    public int order() {
        return 200;
    }

    @Override
    public String name() {
        return "embed+segment";
    }

    @Override
    public Uni<Void> process(MicroBatch batch) {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return embedder.embed(batch).chain(embedded -> {
            List<PlannedEvent> events = new ArrayList<>();
            Set<String> users = new LinkedHashSet<>();
            Map<String, float[]> texts = new LinkedHashMap<>();
            for (EmbeddedEvent e : embedded.events()) {
                if (!e.hasVector()) {
                    continue;
                }
                BehaviorEvent ev = e.event();
                events.add(new PlannedEvent(ev.userId(), e.vector(), weights.get(ev.type()),
                        ev.occurredAt().toEpochMilli()));
                users.add(ev.userId());
                if (ev.text() != null && ev.type() != EventType.SEARCH && texts.size() < RECENT_TEXTS_PER_BATCH) {
                    texts.putIfAbsent(ev.text().strip(), e.vector());
                }
            }
            if (events.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            List<String> userIds = new ArrayList<>(users);
            String batchId = SegmentWriter.batchId(batch.events());
            return store.load(userIds).chain(loaded -> {
                long start = System.nanoTime();
                Map<String, UserState> states = new HashMap<>();
                loaded.users().forEach((u, s) -> states.put(u, state(s)));
                Plan plan = manager.planner().plan(SegmentModelManager.view(loaded.model()), states, events, List.of());
                double decay = StreamingKMeans.decayFor(config.decayHalfLife(), config.decayUnit(),
                        Math.max(1, plan.members()));
                planTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                SegmentWriter.PlannedBatch planned = new SegmentWriter.PlannedBatch(batchId, loaded.model(), plan,
                        decay, texts, List.of(), loaded.users());
                long newUsers = userIds.stream().filter(u -> !loaded.users().containsKey(u)).count();
                boolean mayBootstrap = loaded.model() == null
                        && loaded.sampleSize() + newUsers >= manager.bootstrapProfiles();
                return writer.write(planned).chain(version -> {
                    long now = System.currentTimeMillis();
                    for (EmbeddedEvent e : embedded.events()) {
                        visibleLatency.record(Math.max(0, now - e.event().receivedAt().toEpochMilli()),
                                TimeUnit.MILLISECONDS);
                    }
                    if (mayBootstrap) {
                        return manager.seedIfNeeded().replaceWithVoid();
                    }
                    manager.afterBatch();
                    return Uni.createFrom().voidItem();
                });
            });
        });
    }

    private static UserState state(StoredUser s) {
        return new UserState(s.profile(), s.segmentId(), s.sinceMillis());
    }
}
