package io.shoal.recommending;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.shoal.config.RecommendationConfig;
import io.shoal.event.BehaviorEvent;
import io.shoal.event.EventType;
import io.shoal.pipeline.BatchStage;
import io.shoal.pipeline.MicroBatch;
import io.shoal.recommendation.Interaction;
import io.shoal.recommendation.ItemFilter;
import io.shoal.recommendation.ItemKey;
import io.shoal.recommendation.RecommendationUpdate;
import io.shoal.recommendation.Strategy;
import io.shoal.store.RecommendationStore;
import io.smallrye.mutiny.Uni;

/**
 * Keeps the recommendation state: after the segmentation (so a purchase counts for the segment its shopper is in
 * after the batch), the batch's item interactions go through {@link RecommendationUpdate#of} and one Redis round
 * trip ({@link RecommendationStore#apply}) that applies each event once per shopper position, so a retried or
 * redelivered batch adds nothing twice.
 */
@ApplicationScoped
public class RecommendationStage implements BatchStage {

    private final RecommendationStore store;
    private final RecommendationConfig config;
    private final ItemFilter items;
    private final Counter applied;
    private final Counter excluded;
    private final MeterRegistry registry;
    /** One counter per (segment, strategy, kind), built once. */
    private final Map<RecommendationStore.Counted, Counter> feedback = new ConcurrentHashMap<>();

    public RecommendationStage(RecommendationStore store, RecommendationConfig config, MeterRegistry registry) {
        this.store = store;
        this.config = config;
        this.registry = registry;
        this.items = RecommendationConfig.itemFilter(config);
        this.applied = Counter.builder("shoal.recommendation.interactions")
                .description("Item interactions applied to the recommendation state (each event once)")
                .register(registry);
        this.excluded = Counter.builder("shoal.recommendation.interactions.excluded")
                .description("Item interactions left out of the recommendation state because their item matches"
                        + " shoal.recommendation.excluded-items (counted per batch processed, so a redelivered"
                        + " batch counts again)")
                .register(registry);
    }

    @Override
    public int order() {
        return 250;
    }

    @Override
    public String name() {
        return "recommendation-state";
    }

    @Override
    public Uni<Void> process(MicroBatch batch) {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        List<RecommendationStore.Positioned> positioned = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            BehaviorEvent e = batch.events().get(i);
            Optional<Interaction.Kind> kind = kind(e.type());
            if (kind.isEmpty()) {
                continue;
            }
            String item = ItemKey.of(e.itemId(), e.text());
            if (item != null && !items.learns(item)) {
                excluded.increment();
                continue;
            }
            Strategy strategy = e.recommendationId() == null ? null
                    : Strategy.ofRecommendationId(e.recommendationId()).orElse(null);
            RecommendationUpdate.Increment x = RecommendationUpdate.of(new Interaction(e.userId(), kind.get(),
                    item, e.text(), e.occurredAt().toEpochMilli(), strategy), store.params());
            if (x != null) {
                positioned.add(new RecommendationStore.Positioned(x, batch.position(i)));
            }
        }
        return store.apply(positioned).invoke(a -> {
            applied.increment(a.increments());
            for (RecommendationStore.Counted c : a.feedback()) {
                feedback.computeIfAbsent(c, this::feedbackCounter).increment();
            }
        }).replaceWithVoid();
    }

    private Counter feedbackCounter(RecommendationStore.Counted c) {
        return Counter.builder("shoal.recommendation.feedback")
                .description("Feedback on recommendations: impressions, clicks and conversions (a purchase of an"
                        + " item shown within the conversion window), per strategy and segment")
                .tag("strategy", c.strategy()).tag("kind", c.kind())
                .tag("segment", c.segmentId() == null ? "none" : Long.toString(c.segmentId()))
                .register(registry);
    }

    /** The interaction an event type is, if any (a search names no item; a removal is not interest). */
    static Optional<Interaction.Kind> kind(EventType type) {
        return switch (type) {
            case PURCHASE -> Optional.of(Interaction.Kind.PURCHASE);
            case CART -> Optional.of(Interaction.Kind.CART);
            case VIEW -> Optional.of(Interaction.Kind.VIEW);
            case WISHLIST -> Optional.of(Interaction.Kind.WISHLIST);
            case CLICK -> Optional.of(Interaction.Kind.CLICK);
            case IMPRESSION -> Optional.of(Interaction.Kind.IMPRESSION);
            default -> Optional.empty();
        };
    }
}
