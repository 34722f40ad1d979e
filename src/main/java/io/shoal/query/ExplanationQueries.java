package io.shoal.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.shoal.audit.HistoryRepository;
import io.shoal.audit.SegmentChangeEntity;
import io.shoal.inference.EmbeddingService;
import io.shoal.recommendation.ShopperView;
import io.shoal.segmentation.KMeansState;
import io.shoal.segmentation.SegmentExplainer;
import io.shoal.segmentation.SegmentModel;
import io.shoal.store.RecommendationStore;
import io.shoal.store.SegmentStore;
import io.shoal.store.StoredUser;
import io.smallrye.mutiny.Uni;

/**
 * Explanations: the rule is {@link SegmentExplainer}; this class gathers its inputs. Redis: the shopper's state and
 * the model (one round trip), the shopper's items, recent interactions and texts (one script); vectors of the items
 * from the item-vector store and the embedding cache (texts not in the cache are embedded); PostgreSQL: the last two
 * audit rows.
 */
@ApplicationScoped
public class ExplanationQueries {

    /** Items listed as pulling toward the segment. */
    static final int TOP_ITEMS = 5;

    private final SegmentStore store;
    private final RecommendationStore recommendations;
    private final HistoryRepository history;
    private final SegmentQueries segments;
    private final SegmentDescriptions descriptions;
    private final EmbeddingService embeddings;

    public ExplanationQueries(SegmentStore store, RecommendationStore recommendations, HistoryRepository history,
            SegmentQueries segments, SegmentDescriptions descriptions, EmbeddingService embeddings) {
        this.store = store;
        this.recommendations = recommendations;
        this.history = history;
        this.segments = segments;
        this.descriptions = descriptions;
        this.embeddings = embeddings;
    }

    /** The shopper's explanation; fails with {@link UnknownUserException} or {@link InvalidQueryException}. */
    public Uni<Explanation> explain(String userId) {
        try {
            segments.checkUserId("userId", userId);
        } catch (InvalidQueryException e) {
            return Uni.createFrom().failure(e);
        }
        String id = segments.stored(userId);
        return Uni.combine().all().unis(store.user(id), store.model(), recommendations.explanationInputs(id),
                history.history(id, 0, 2)).asTuple().chain(t -> {
                    StoredUser user = t.getItem1();
                    SegmentModel model = t.getItem2();
                    if (user == null || user.segmentId() == null || user.profile() == null || model == null) {
                        return Uni.createFrom().failure(new UnknownUserException(id));
                    }
                    RecommendationStore.ExplanationInputs inputs = t.getItem3();
                    return vectors(inputs).map(v -> explanation(id, user, model, inputs, v, t.getItem4()));
                });
    }

    /** Unit vectors of the shopper's items: the item's last vector when it has an id, else its text's embedding. */
    private Uni<Map<String, float[]>> vectors(RecommendationStore.ExplanationInputs inputs) {
        List<String> ids = new ArrayList<>();
        for (ShopperView.Owned o : inputs.owned()) {
            if (!o.item().startsWith("t:")) {
                ids.add(o.item());
            }
        }
        return embeddings.itemVectors(ids).chain(byId -> {
            Map<String, String> toEmbed = new LinkedHashMap<>();
            for (ShopperView.Owned o : inputs.owned()) {
                if (!byId.containsKey(o.item())) {
                    String text = textOf(o.item(), inputs.texts());
                    if (text != null) {
                        toEmbed.put(o.item(), text);
                    }
                }
            }
            if (toEmbed.isEmpty()) {
                return Uni.createFrom().item(byId);
            }
            List<String> items = new ArrayList<>(toEmbed.keySet());
            return embeddings.embed(new ArrayList<>(toEmbed.values())).map(vs -> {
                Map<String, float[]> out = new HashMap<>(byId);
                for (int i = 0; i < items.size(); i++) {
                    out.put(items.get(i), vs.get(i));
                }
                return out;
            });
        });
    }

    private static String textOf(String item, Map<String, String> texts) {
        String text = texts.get(item);
        if (text != null && !text.isBlank()) {
            return text;
        }
        return item.startsWith("t:") ? item.substring(2) : null;
    }

    private Explanation explanation(String id, StoredUser user, SegmentModel model,
            RecommendationStore.ExplanationInputs inputs, Map<String, float[]> vectors,
            List<SegmentChangeEntity> changes) {
        KMeansState state = model.kmeans();
        long segmentId = user.segmentId();
        List<SegmentExplainer.Scored> ranked = SegmentExplainer.rank(user.profile().vector(), state);
        SegmentExplainer.Scored current = null;
        SegmentExplainer.Scored runnerUp = null;
        for (SegmentExplainer.Scored s : ranked) {
            if (s.segmentId() == segmentId) {
                current = s;
            } else if (runnerUp == null) {
                runnerUp = s;
            }
        }
        int slot = state.slotOf(segmentId);
        Double similarity = current == null ? null : current.similarity();
        // The shopper's segment may have been retired a moment ago (the sweep re-decides them next): no pull then.
        long at = inputs.stateMillis() > 0 ? inputs.stateMillis() : user.profile().lastEventMillis();
        List<SegmentExplainer.Item> items = new ArrayList<>(inputs.owned().size());
        for (ShopperView.Owned o : inputs.owned()) {
            items.add(new SegmentExplainer.Item(o.item(),
                    recommendations.params().historyClock().decayed(o.weight(), at), vectors.get(o.item())));
        }
        List<Explanation.ItemPull> pulls = new ArrayList<>();
        if (slot >= 0) {
            for (SegmentExplainer.Contribution c : SegmentExplainer.contributions(items, state.centroid(slot),
                    TOP_ITEMS, false)) {
                pulls.add(new Explanation.ItemPull(c.key().startsWith("t:") ? null : c.key(),
                        textOf(c.key(), inputs.texts()), c.weight(), c.similarity(), c.contribution(), c.share()));
            }
        }
        return new Explanation(id,
                new Explanation.Scored(segmentId, descriptions.label(segmentId, model.version()), similarity),
                runnerUp == null ? null : new Explanation.Scored(runnerUp.segmentId(),
                        descriptions.label(runnerUp.segmentId(), model.version()), runnerUp.similarity()),
                similarity == null ? null : runnerUp == null ? similarity : similarity - runnerUp.similarity(),
                Double.isNaN(user.margin()) ? null : user.margin(), model.version(), pulls,
                lastMove(changes, inputs), user.profile().weight());
    }

    /** The newest audit row, with the interactions between the row before it and it. */
    static Explanation.Move lastMove(List<SegmentChangeEntity> changes,
            RecommendationStore.ExplanationInputs inputs) {
        if (changes.isEmpty()) {
            return null;
        }
        SegmentChangeEntity last = changes.get(0);
        Instant previous = changes.size() > 1 ? changes.get(1).changedAt : null;
        long to = last.changedAt.toEpochMilli();
        long from = previous == null ? Long.MIN_VALUE : previous.toEpochMilli();
        List<Explanation.Event> events = new ArrayList<>();
        for (RecommendationStore.RecentInteraction r : inputs.recent()) {
            if (r.eventMillis() > from && r.eventMillis() <= to) {
                events.add(new Explanation.Event(Instant.ofEpochMilli(r.eventMillis()), r.kind(),
                        r.item().startsWith("t:") ? null : r.item(),
                        r.text().isEmpty() ? textOf(r.item(), inputs.texts()) : r.text()));
            }
        }
        events.sort((a, b) -> b.at().compareTo(a.at()));
        return new Explanation.Move(last.fromSegment, last.toSegment, last.changedAt, last.reason, cause(last.reason),
                last.modelVersion, previous, events);
    }

    /** What kind of thing made the move: the shopper's own behaviour or a change of the model. */
    static String cause(String reason) {
        String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        return switch (r) {
            case "assigned", "moved" -> "behaviour";
            case "segment_retired" -> "retired";
            case "seeded_segment" -> "seeded";
            case "refit", "rescue", "seeded", "identity-merge" -> r;
            default -> r.isEmpty() ? "unknown" : r;
        };
    }
}
