package io.shoal.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.shoal.event.EventType;
import io.shoal.recommendation.Interaction;
import io.shoal.recommendation.ItemKey;
import io.shoal.recommendation.RecommendationParams;
import io.shoal.recommendation.RecommendationState;
import io.shoal.recommendation.RecommendationUpdate;
import io.shoal.recommendation.Recommender;

/**
 * The recommendation state kept beside the in-memory engine, as the service's pipeline keeps it beside the Redis
 * one: after each batch, its interactions go through {@link RecommendationUpdate#plan} and
 * {@link RecommendationState#apply} with each shopper's segment after the batch. The checks then ask the real
 * {@link Recommender}.
 */
final class RecommendationReplay implements InMemoryDriver.BatchObserver {

    private final Predicate<String> recommendable;
    private final RecommendationParams params;
    private final RecommendationState state;
    private final Recommender recommender;

    /** @param recommendable which item ids are products (postage and fees are neither learned nor recommended) */
    RecommendationReplay(RecommendationParams params, Predicate<String> recommendable) {
        this.params = params;
        this.recommendable = recommendable;
        this.state = new RecommendationState(params);
        this.recommender = new Recommender(params);
    }

    @Override
    public void afterBatch(int from, List<EvaluationEvent> events, InMemoryDriver engine) {
        List<Interaction> interactions = new ArrayList<>(events.size());
        for (EvaluationEvent e : events) {
            if (e.type() == EventType.PURCHASE && recommendable.test(e.itemId())) {
                interactions.add(new Interaction(e.userId(), Interaction.Kind.PURCHASE,
                        ItemKey.of(e.itemId(), e.text()),
                        e.text(), e.eventMillis()));
            }
        }
        state.apply(RecommendationUpdate.plan(interactions, params), engine::segmentOf);
    }

    /** The item key of a dataset event (what a hit is compared by). */
    static String key(EvaluationEvent e) {
        return ItemKey.of(e.itemId(), e.text());
    }

    RecommendationState state() {
        return state;
    }

    Recommender recommender() {
        return recommender;
    }
}
