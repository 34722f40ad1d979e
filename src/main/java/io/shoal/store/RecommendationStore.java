package io.shoal.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.shoal.config.RecommendationConfig;
import io.shoal.event.EventPosition;
import io.shoal.recommendation.RecommendationParams;
import io.shoal.recommendation.RecommendationState;
import io.shoal.recommendation.Strategy;
import io.shoal.recommendation.RecommendationUpdate;
import io.shoal.recommendation.ShopperView;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The Redis driver of the recommendation state: {@code apply_recommendation.lua} applies a batch's increments (one
 * round trip per batch, atomic, each event once), {@code recommend.lua} reads one shopper's {@link ShopperView}
 * (one round trip per call). The rules are {@link RecommendationUpdate} and
 * {@link io.shoal.recommendation.RecommendationState}, which the scripts mirror.
 */
@ApplicationScoped
public class RecommendationStore {

    private static final LuaScript APPLY = LuaScript.of("stored_user.lua", "apply_recommendation.lua");
    private static final LuaScript RECOMMEND = LuaScript.of("stored_user.lua", "recommend.lua");
    private static final LuaScript EXPLAIN = LuaScript.of("explain.lua");

    /** Recent interactions kept per shopper when not configured. */
    public static final int DEFAULT_RECENT_INTERACTIONS = 20;

    private final Redis redis;
    private final RedisKeys keys;
    private final RecommendationParams params;
    private final int recentInteractions;

    @Inject
    public RecommendationStore(ReactiveRedisDataSource redis, RedisKeys keys, RecommendationConfig config) {
        this(redis.getRedis(), keys, RecommendationConfig.params(config), config.recentInteractions());
    }

    /** For tests and benchmarks: explicit parameters. */
    public RecommendationStore(Redis redis, RedisKeys keys, RecommendationParams params) {
        this(redis, keys, params, DEFAULT_RECENT_INTERACTIONS);
    }

    private RecommendationStore(Redis redis, RedisKeys keys, RecommendationParams params, int recentInteractions) {
        if (recentInteractions < 1) {
            throw new IllegalArgumentException("shoal.recommendation.recent-interactions must be >= 1 but was "
                    + recentInteractions);
        }
        this.redis = redis;
        this.keys = keys;
        this.params = params;
        this.recentInteractions = recentInteractions;
    }

    public RecommendationParams params() {
        return params;
    }

    /** An increment and the log position of the event it came from. */
    public record Positioned(RecommendationUpdate.Increment increment, EventPosition position) {
    }

    /** One feedback count the script added: segment (null: none), strategy, kind. */
    public record Counted(Long segmentId, String strategy, String kind) {
    }

    /** What a batch applied: increments, and the feedback counts among them. */
    public record Applied(long increments, List<Counted> feedback) {
        static final Applied NONE = new Applied(0, List.of());
    }

    /**
     * Applies the increments in order, each at most once per shopper position (a redelivered batch adds nothing).
     * All of one shopper's events must be on one partition (they are: the log is keyed by shopper).
     */
    public Uni<Applied> apply(List<Positioned> increments) {
        if (increments.isEmpty()) {
            return Uni.createFrom().item(Applied.NONE);
        }
        Map<String, Integer> shopper = new LinkedHashMap<>();
        Map<String, Integer> partition = new HashMap<>();
        for (Positioned p : increments) {
            shopper.putIfAbsent(p.increment().userId(), shopper.size() + 1);
            partition.putIfAbsent(p.increment().userId(), p.position().partition());
        }
        return APPLY.run(redis, 7 + 5 * shopper.size(), eval -> {
            eval.arg(keys.recommendationGlobal()).arg(keys.recommendationBaskets())
                    .arg(keys.recommendationBuyers()).arg(keys.recommendationRepeaters())
                    .arg(keys.recommendationTexts()).arg(keys.recommendationFeedback())
                    .arg(keys.recommendationItemBaskets());
            for (String user : shopper.keySet()) {
                eval.arg(keys.recommendationItems(user)).arg(keys.recommendationCounts(user))
                        .arg(keys.userProfile(user)).arg(keys.recommendationShown(user))
                        .arg(keys.recommendationRecent(user));
            }
            // Shown marks are judged by event time; the TTL (a day past the window, wall clock) only collects
            // garbage.
            eval.arg(keys.recommendationSegmentPrefix()).arg(params.shopperItems()).arg(params.segmentItems())
                    .arg(params.globalItems()).arg(shopper.size()).arg(params.conversionWindowMillis())
                    .arg(params.shownItems()).arg(params.conversionWindowMillis() + 24 * 3600 * 1000L)
                    .arg(recentInteractions).arg(keys.recommendationBoughtWithPrefix()).arg(params.basketPairs())
                    .arg(params.coBoughtItems());
            for (String user : shopper.keySet()) {
                eval.arg(partition.get(user));
            }
            for (Positioned p : increments) {
                RecommendationUpdate.Increment x = p.increment();
                eval.arg(shopper.get(x.userId())).arg(Long.toString(p.position().offset())).arg(x.item())
                        .arg(x.text() == null ? "" : x.text()).arg(Double.toString(x.history()))
                        .arg(Double.toString(x.popularity())).arg(Double.toString(x.basket())).arg(x.purchase() ? 1 : 0)
                        .arg(Long.toString(x.eventMillis()))
                        .arg(x.feedback() == null ? "" : x.feedback().name().toLowerCase(java.util.Locale.ROOT))
                        .arg(x.strategy() == null ? "" : x.strategy().wireName())
                        .arg(x.kind().name().toLowerCase(java.util.Locale.ROOT));
            }
        }).map(r -> {
            List<Counted> counted = new ArrayList<>();
            for (int i = 1; i + 2 <= r.size() - 1; i += 3) {
                String segment = r.get(i).toString();
                counted.add(new Counted(segment.equals("none") ? null : Long.parseLong(segment),
                        r.get(i + 1).toString(),
                        r.get(i + 2).toString()));
            }
            return new Applied(r.get(0).toLong(), counted);
        });
    }

    /** The feedback counts so far, per (segment, strategy), as {@link RecommendationState#feedback()} has them. */
    public Uni<Map<RecommendationState.FeedbackKey, RecommendationState.FeedbackCounts>> feedback() {
        return redis.send(Request.cmd(Command.HGETALL).arg(keys.recommendationFeedback())).map(r -> {
            Map<RecommendationState.FeedbackKey, long[]> counts = new HashMap<>();
            for (String field : r.getKeys()) {
                String[] parts = field.split(":");
                if (parts.length != 3) {
                    continue;
                }
                Strategy strategy = Strategy.parse(parts[1]).orElse(null);
                if (strategy == null) {
                    continue;
                }
                long[] c = counts.computeIfAbsent(new RecommendationState.FeedbackKey(
                        parts[0].equals("none") ? null : Long.parseLong(parts[0]), strategy), k -> new long[3]);
                int slot = switch (parts[2]) {
                    case "impressions" -> 0;
                    case "clicks" -> 1;
                    default -> 2;
                };
                c[slot] = r.get(field).toLong();
            }
            Map<RecommendationState.FeedbackKey, RecommendationState.FeedbackCounts> out = new HashMap<>();
            counts.forEach((k, c) -> out.put(k, new RecommendationState.FeedbackCounts(c[0], c[1], c[2])));
            return out;
        });
    }

    /**
     * A shopper's view, the model version that placed them in their segment (0 without one), for its label, and
     * the newest event time the state has applied (0 before any): the time its decayed weights are read at, so a
     * replay of last year's events reads as of then, not as of today.
     */
    public record StoredView(ShopperView view, long modelVersion, long stateMillis) {
    }

    /**
     * One shopper's view, reading the top {@code candidates} of their segment and of all shoppers, for a list of
     * {@code reach} items of {@code strategy} (null: everything; see
     * {@link RecommendationState#view(String, Long, int, int, Strategy)}).
     */
    public Uni<StoredView> view(String userId, int candidates, int reach, Strategy strategy) {
        return RECOMMEND.run(redis, 9, eval -> eval.arg(keys.recommendationItems(userId))
                .arg(keys.recommendationCounts(userId)).arg(keys.userProfile(userId)).arg(keys.recommendationGlobal())
                .arg(keys.recommendationBaskets()).arg(keys.recommendationBuyers()).arg(keys.recommendationRepeaters())
                .arg(keys.recommendationTexts()).arg(keys.recommendationItemBaskets())
                .arg(keys.recommendationSegmentPrefix()).arg(candidates).arg(keys.recommendationBoughtWithPrefix())
                .arg(params.coBoughtSources()).arg(reach).arg(strategy == null ? "" : strategy.wireName()))
                .map(r -> new StoredView(parse(r), Long.parseLong(r.get(11).toString()),
                (long) Double.parseDouble(r.get(12).toString())));
    }

    /**
     * One of a shopper's recent interactions.
     *
     * @param item the item key; {@code text} may be empty
     */
    public record RecentInteraction(long eventMillis, String kind, String item, String text) {
    }

    /**
     * What an explanation reads of the recommendation state, in one round trip: the shopper's own items with their
     * weights (sums of growing weights of the history clock), the texts the catalogue has for them, the recent
     * interactions (newest applied first) and the state's clock (its newest event time, 0 before any).
     */
    public record ExplanationInputs(List<ShopperView.Owned> owned, Map<String, String> texts,
            List<RecentInteraction> recent, long stateMillis) {
    }

    /** The explanation inputs of one shopper (explain.lua). */
    public Uni<ExplanationInputs> explanationInputs(String userId) {
        return EXPLAIN.run(redis, 4, eval -> eval.arg(keys.recommendationItems(userId))
                .arg(keys.recommendationRecent(userId)).arg(keys.recommendationTexts())
                .arg(keys.recommendationBaskets())).map(r -> {
            Response own = r.get(0);
            Response texts = r.get(1);
            List<ShopperView.Owned> owned = new ArrayList<>(own.size() / 2);
            Map<String, String> textOf = new HashMap<>();
            for (int i = 0; i < own.size(); i += 2) {
                String item = own.get(i).toString(StandardCharsets.UTF_8);
                owned.add(new ShopperView.Owned(item, Double.parseDouble(own.get(i + 1).toString()), 0, 0));
                Response t = texts.get(i / 2);
                if (t != null) {
                    textOf.put(item, t.toString(StandardCharsets.UTF_8));
                }
            }
            List<RecentInteraction> recent = new ArrayList<>();
            for (Response line : r.get(2)) {
                String[] f = line.toString(StandardCharsets.UTF_8).split("\t", 4);
                if (f.length == 4) {
                    recent.add(new RecentInteraction(Long.parseLong(f[0]), f[1], f[2], f[3]));
                }
            }
            return new ExplanationInputs(owned, textOf, recent, (long) Double.parseDouble(r.get(3).toString()));
        });
    }

    static ShopperView parse(Response r) {
        String segment = r.get(0).toString();
        Long segmentId = segment.isEmpty() ? null : Long.parseLong(segment);
        Response own = r.get(1);
        Response counts = r.get(2);
        Response buyers = r.get(3);
        Response repeaters = r.get(4);
        List<ShopperView.Owned> owned = new ArrayList<>(own.size() / 2);
        Map<String, ShopperView.Repurchase> propensity = new HashMap<>();
        for (int i = 0; i < own.size(); i += 2) {
            String item = own.get(i).toString(StandardCharsets.UTF_8);
            long purchases = 0;
            long last = 0;
            Response c = counts.get(i / 2);
            if (c != null) {
                String v = c.toString();
                int colon = v.indexOf(':');
                purchases = Long.parseLong(v.substring(0, colon));
                last = Long.parseLong(v.substring(colon + 1));
            }
            owned.add(new ShopperView.Owned(item, Double.parseDouble(own.get(i + 1).toString()), purchases, last));
            Response b = buyers.get(i / 2);
            if (b != null) {
                Response rep = repeaters.get(i / 2);
                propensity.put(item, new ShopperView.Repurchase(b.toLong(), rep == null ? 0 : rep.toLong()));
            }
        }
        ShopperView.Repurchase overall = new ShopperView.Repurchase(r.get(5).get(0).toLong(), r.get(5).get(1).toLong());
        Map<String, String> texts = new HashMap<>();
        Response t = r.get(10);
        for (int i = 0; i < t.size(); i += 2) {
            texts.put(t.get(i).toString(StandardCharsets.UTF_8), t.get(i + 1).toString(StandardCharsets.UTF_8));
        }
        Map<String, List<ShopperView.Popular>> boughtWith = new HashMap<>();
        Response with = r.get(13);
        for (int i = 0; i < with.size(); i += 2) {
            boughtWith.put(with.get(i).toString(StandardCharsets.UTF_8), popular(with.get(i + 1)));
        }
        Map<String, Double> itemBaskets = new HashMap<>();
        Response b = r.get(14);
        for (int i = 0; i < b.size(); i += 2) {
            itemBaskets.put(b.get(i).toString(StandardCharsets.UTF_8), Double.parseDouble(b.get(i + 1).toString()));
        }
        return new ShopperView(!owned.isEmpty() || segmentId != null, segmentId, owned, popular(r.get(6)),
                Double.parseDouble(r.get(7).toString()), popular(r.get(8)), Double.parseDouble(r.get(9).toString()),
                propensity, overall, texts, boughtWith, itemBaskets);
    }

    private static List<ShopperView.Popular> popular(Response flat) {
        List<ShopperView.Popular> out = new ArrayList<>(flat.size() / 2);
        for (int i = 0; i < flat.size(); i += 2) {
            out.add(new ShopperView.Popular(flat.get(i).toString(StandardCharsets.UTF_8),
                    Double.parseDouble(flat.get(i + 1).toString())));
        }
        return out;
    }
}
