package io.shoal.query;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.shoal.config.RecommendationConfig;
import io.shoal.recommendation.Recommendation;
import io.shoal.recommendation.Recommender;
import io.shoal.recommendation.ShopperView;
import io.shoal.recommendation.Strategy;
import io.shoal.recommendation.StrategySplit;
import io.shoal.store.RecommendationStore;
import io.smallrye.mutiny.Uni;

/**
 * Recommendations for the REST and gRPC APIs: validates the parameters, reads the shopper's view in one Redis round
 * trip, runs the {@link Recommender} and adds the segment's label. A shopper Shoal does not know gets the global
 * list with the cold-start reason (an answer, not a 404).
 */
@ApplicationScoped
public class RecommendationQueries {

    /** Items per list when the request does not say. */
    public static final int DEFAULT_LIMIT = 10;

    private final RecommendationStore store;
    private final SegmentQueries segments;
    private final SegmentDescriptions descriptions;
    private final RecommendationConfig config;
    private final Recommender recommender;
    private final StrategySplit split;
    private final Clock clock;

    @Inject
    public RecommendationQueries(RecommendationStore store, SegmentQueries segments,
            SegmentDescriptions descriptions, RecommendationConfig config) {
        this(store, segments, descriptions, config, Clock.systemUTC());
    }

    RecommendationQueries(RecommendationStore store, SegmentQueries segments, SegmentDescriptions descriptions,
            RecommendationConfig config, Clock clock) {
        this.store = store;
        this.segments = segments;
        this.descriptions = descriptions;
        this.config = config;
        this.recommender = new Recommender(store.params());
        this.split = RecommendationConfig.strategySplit(config);
        this.clock = clock;
    }

    /**
     * @param strategy      a strategy's name, or null/empty for the shopper's by the A/B split
     * @param limit         1..{@code shoal.recommendation.max-limit}, or null for {@value #DEFAULT_LIMIT}
     * @param excludeRecent leave out what the shopper bought within {@code shoal.recommendation.just-bought-window}
     */
    public Uni<RecommendationList> recommend(String userId, String strategy, Integer limit, boolean excludeRecent) {
        Strategy chosen;
        int n;
        String id;
        try {
            segments.checkUserId("userId", userId);
            id = segments.stored(userId);
            chosen = strategy == null || strategy.isEmpty() ? split.strategyOf(id)
                    : Strategy.parse(strategy).orElseThrow(() -> new InvalidQueryException("strategy",
                            "strategy must be blended, segment, personal or global but was '" + strategy + "'"));
            n = limit == null ? DEFAULT_LIMIT : limit;
            if (n < 1 || n > config.maxLimit()) {
                throw new InvalidQueryException("limit", "limit must be between 1 and " + config.maxLimit()
                        + " but was " + n);
            }
        } catch (InvalidQueryException e) {
            return Uni.createFrom().failure(e);
        }
        return store.view(id, recommender.candidates(n), n, chosen)
                .map(stored -> list(id, chosen, n, excludeRecent, stored));
    }

    /**
     * One segment as {@link SegmentQueries#segments} lists it with the recently retired ones, with its rows of
     * {@link #stats}: REST {@code GET /v1/segments/{id}} and gRPC {@code GetSegment}. 404 when it is not listed.
     */
    public Uni<SegmentDetail> segment(long segmentId) {
        return segments.segments(true).chain(listing -> listing.segments().stream()
                .filter(v -> v.segmentId() == segmentId).findFirst()
                .map(v -> stats(segmentId).map(stats -> new SegmentDetail(listing.modelVersion(), v, stats.rows())))
                .orElseGet(() -> Uni.createFrom().failure(UnknownSegmentException.notListed(segmentId))));
    }

    /** The feedback counts per segment and strategy; {@code segmentId} keeps one segment's rows (null: all). */
    public Uni<RecommendationStats> stats(Long segmentId) {
        return store.feedback().map(all -> {
            List<RecommendationStats.Row> rows = new ArrayList<>();
            all.forEach((key, c) -> {
                if (segmentId != null && !segmentId.equals(key.segmentId())) {
                    return;
                }
                rows.add(new RecommendationStats.Row(key.segmentId(),
                        key.segmentId() == null ? null : descriptions.label(key.segmentId(), 0),
                        key.strategy().wireName(), c.impressions(), c.clicks(), c.conversions(),
                        c.impressions() == 0 ? null : (double) c.clicks() / c.impressions(),
                        c.impressions() == 0 ? null : (double) c.conversions() / c.impressions()));
            });
            rows.sort(java.util.Comparator.comparing((RecommendationStats.Row r) -> r.segmentId() == null ? -1
                    : r.segmentId()).thenComparing(RecommendationStats.Row::strategy));
            return new RecommendationStats(rows);
        });
    }

    private RecommendationList list(String userId, Strategy strategy, int limit, boolean excludeRecent,
            RecommendationStore.StoredView stored) {
        Instant now = clock.instant();
        ShopperView view = stored.view();
        String label = view.segmentId() == null ? null : descriptions.label(view.segmentId(), stored.modelVersion());
        // Decay is read at the state's own time (its newest event), never later than now.
        long at = stored.stateMillis() > 0 ? Math.min(stored.stateMillis(), now.toEpochMilli()) : now.toEpochMilli();
        long since = excludeRecent ? at - config.justBoughtWindow().toMillis() : 0;
        List<Recommendation> ranked = recommender.recommend(strategy, view, limit, at, since, label);
        List<RecommendationList.Item> items = new ArrayList<>(ranked.size());
        for (Recommendation r : ranked) {
            items.add(new RecommendationList.Item(r.itemId(), r.text(), r.score(), r.reason().text(),
                    r.reason().kind().name().toLowerCase(Locale.ROOT)));
        }
        return new RecommendationList(userId, strategy.wireName() + "-" + UUID.randomUUID(), strategy.wireName(),
                view.segmentId(), label, !view.known(), now, items);
    }
}
