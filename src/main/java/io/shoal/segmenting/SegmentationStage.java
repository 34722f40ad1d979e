package io.shoal.segmenting;

import io.shoal.event.EventPosition;
import io.shoal.pipeline.MicroBatch;
import io.shoal.pipeline.BatchStage;
import io.shoal.event.EventType;
import io.shoal.event.BehaviorEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shoal.config.SegmentationConfig;
import io.shoal.inference.EmbeddedEvent;
import io.shoal.inference.EventEmbedder;
import io.shoal.segmentation.SegmentBatchPlanner.Plan;
import io.shoal.segmentation.SegmentModel;
import io.shoal.segmentation.SegmentBatchPlanner.PlannedEvent;
import io.shoal.segmentation.SegmentBatchPlanner.UserOutcome;
import io.shoal.segmentation.SegmentBatchPlanner.UserState;
import io.shoal.store.SegmentStore;
import io.shoal.store.StoredUser;
import io.shoal.tracing.Tracing;
import io.shoal.inference.EmbeddedBatch;
import io.shoal.inference.EmbeddingCache;
import io.opentelemetry.api.trace.Span;
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
    /** Bucket bounds of the event-to-segment latency histogram; 1 s is the SLO's (README, Metrics). */
    static final Duration[] SLO_BUCKETS = Stream.of(50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000)
            .map(Duration::ofMillis).toArray(Duration[]::new);

    private final EventEmbedder embedder;
    private final SegmentStore store;
    private final SegmentWriter writer;
    private final SegmentModelManager manager;
    private final SegmentationConfig config;
    private final Map<EventType, Double> weights;
    private final Timer planTimer;
    private final Timer visibleLatency;
    private final Tracing tracing;

    public SegmentationStage(EventEmbedder embedder, SegmentStore store, SegmentWriter writer,
            SegmentModelManager manager, SegmentationConfig config, Tracing tracing, MeterRegistry registry) {
        this.tracing = tracing;
        this.embedder = embedder;
        this.store = store;
        this.writer = writer;
        this.manager = manager;
        this.config = config;
        this.weights = SegmentationConfig.weightsByType(config.eventWeights());
        this.planTimer = Timer.builder("shoal.segmentation.plan.latency")
                .description("Time to update profiles and plan the model update of one batch")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.visibleLatency = Timer.builder("shoal.pipeline.event.visible.latency")
                .description("From an event's acceptance to its effect on the shopper's segment state in Redis")
                .publishPercentiles(0.5, 0.95, 0.99)
                // Histogram buckets for the SLO (share of events applied within 1 s) and its burn-rate alerts.
                .serviceLevelObjectives(SLO_BUCKETS).register(registry);
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
        // Skip events at or below each user's applied position (a retry or redelivery, see EventPosition); the
        // positions move with the atomic Redis update, which fails as stale if another worker moved them meanwhile.
        // The same round trip reads the shoppers' identity links: events of a merged-away shopper (IdentityMergeStage)
        // go to the shopper it became, their positions staying their own.
        List<String> batchUsers = batch.events().stream().filter(e -> e.type().profileSignal())
                .map(BehaviorEvent::userId)
                .distinct().toList();
        return store.locate(batchUsers).chain(located -> {
            MicroBatch fresh = unapplied(batch, located.positions());
            return fresh.size() == 0 ? Uni.createFrom().voidItem()
                    : segment(fresh, located.positions(), located.links());
        });
    }

    /**
     * The batch's profile signals without those their users' stored positions already cover (identity merges are
     * the IdentityMergeStage's, impressions only the recommendation state's).
     */
    static MicroBatch unapplied(MicroBatch batch, Map<String, String> applied) {
        List<BehaviorEvent> events = new ArrayList<>(batch.size());
        List<EventPosition> positions = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            BehaviorEvent e = batch.events().get(i);
            if (e.type().profileSignal()
                    && !batch.position(i).appliedBy(EventPosition.decode(applied.get(e.userId())))) {
                events.add(e);
                positions.add(batch.position(i));
            }
        }
        return new MicroBatch(batch.sequence(), events, positions, batch.origins(), batch.trace());
    }

    /** Per user of the batch, the newest position, to be written if the stored one is still {@code applied}'s. */
    private static List<SegmentStore.PositionWrite> positionWrites(MicroBatch batch, Map<String, String> applied) {
        Map<String, EventPosition> newest = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            newest.put(batch.events().get(i).userId(), batch.position(i));
        }
        List<SegmentStore.PositionWrite> writes = new ArrayList<>(newest.size());
        newest.forEach((user, p) -> writes.add(new SegmentStore.PositionWrite(user, applied.getOrDefault(user, ""),
                p.encode())));
        return writes;
    }

    /**
     * @param applied the users' stored positions (see EventPosition)
     * @param links   the shopper each merged-away user of the batch now is
     */
    private Uni<Void> segment(MicroBatch batch, Map<String, String> applied, Map<String, String> links) {
        Span embedding = tracing.start(Tracing.EMBED, batch.trace()).setAttribute("shoal.events", batch.size());
        EmbeddingCache.Tally tally = new EmbeddingCache.Tally();
        Uni<EmbeddedBatch> embeddedBatch = Tracing.ending(embedding, embedder.embed(batch, tally)
                .invoke(() -> embedding.setAttribute("shoal.embed.texts", tally.texts())
                .setAttribute("shoal.embed.cache.local_hits", tally.localHits())
                .setAttribute("shoal.embed.cache.redis_hits", tally.redisHits())
                .setAttribute("shoal.embed.model.texts", tally.embedded())
                .setAttribute("shoal.embed.model.ms", tally.modelNanos() / 1e6)));
        return embeddedBatch.chain(embedded -> {
            List<PlannedEvent> events = new ArrayList<>();
            Set<String> users = new LinkedHashSet<>();
            Map<String, float[]> texts = new LinkedHashMap<>();
            for (EmbeddedEvent e : embedded.events()) {
                if (!e.hasVector()) {
                    continue;
                }
                BehaviorEvent ev = e.event();
                String shopper = links.getOrDefault(ev.userId(), ev.userId());
                events.add(new PlannedEvent(shopper, e.vector(), weights.get(ev.type()),
                        ev.occurredAt().toEpochMilli()));
                users.add(shopper);
                if (ev.text() != null && ev.type() != EventType.SEARCH && texts.size() < RECENT_TEXTS_PER_BATCH) {
                    texts.putIfAbsent(ev.text().strip(), e.vector());
                }
            }
            if (events.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            List<String> userIds = new ArrayList<>(users);
            String batchId = SegmentWriter.batchId(batch.events());
            Span update = tracing.start(Tracing.UPDATE, batch.trace()).setAttribute("shoal.users", userIds.size());
            return Tracing.ending(update, store.load(userIds).chain(loaded -> {
                long start = System.nanoTime();
                Map<String, UserState> states = new HashMap<>();
                loaded.users().forEach((u, s) -> states.put(u, state(s)));
                Plan plan = manager.engine().plan(loaded.model(), states, events);
                double decay = manager.engine().decay(plan);
                planTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                long newUsers = plan.outcomes().stream()
                        .filter(o -> o.profile() != null && !loaded.users().containsKey(o.userId())).count();
                SegmentWriter.PlannedBatch planned = new SegmentWriter.PlannedBatch(batchId, loaded.model(), plan,
                        decay, texts, loaded.users(), loaded.digests(), newUsers);
                boolean mayBootstrap = loaded.model() == null
                        && manager.engine().readyToSeed(loaded.sampleSize() + newUsers);
                List<SegmentStore.PositionWrite> positions = positionWrites(batch, applied);
                if (update.isRecording()) {
                    update.setAttribute("shoal.moves", plan.outcomes().stream()
                            .filter(UserOutcome::segmentChanged).count());
                }
                return writer.write(planned, positions, Tracing.traceparent(batch.trace())).chain(version -> {
                    long now = System.currentTimeMillis();
                    for (EmbeddedEvent e : embedded.events()) {
                        visibleLatency.record(Math.max(0, now - e.event().receivedAt().toEpochMilli()),
                                TimeUnit.MILLISECONDS);
                    }
                    if (mayBootstrap) {
                        return manager.seedIfNeeded().replaceWithVoid();
                    }
                    // The triggers look at the model as this batch left it (the rule the script applied).
                    SegmentModel after = loaded.model() == null ? null : manager.engine().fold(loaded.model(), plan);
                    manager.afterBatch(after, loaded.profiled() + newUsers, plan.members());
                    return Uni.createFrom().voidItem();
                });
            }));
        });
    }

    private static UserState state(StoredUser s) {
        return new UserState(s.profile(), s.segmentId(), s.sinceMillis());
    }
}
