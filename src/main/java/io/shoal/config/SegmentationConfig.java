package io.shoal.config;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import io.shoal.event.EventType;
import io.shoal.segmentation.RefitPolicy;
import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;
import io.shoal.segmentation.SegmentationParams;
import io.shoal.segmentation.StreamingKMeans;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The segment model: algorithm, size, forgetting, hysteresis, refits. The one set of defaults of the engine: the
 * service reads it through Quarkus, the evaluation through {@link SegmentationDefaults} (same interface, same
 * defaults); both map it onto {@link SegmentationParams} with {@link #params}. Validated at start.
 */
@ConfigMapping(prefix = "shoal.segmentation")
public interface SegmentationConfig {

    /** Whether the segmentation stage runs (off: events are only counted, no model is loaded). */
    @WithDefault("true")
    boolean enabled();

    /** Number of segments K. */
    @WithDefault("12")
    int k();

    /** kmeans (streaming spherical k-means) or gmm (online diagonal Gaussian mixture). */
    @WithDefault("kmeans")
    Algorithm algorithm();

    /** Half-life of the model's memory: after this many points (or batches) old members count half. */
    @WithDefault("20000")
    double decayHalfLife();

    /** Unit of {@link #decayHalfLife()}: points (profiles folded in) or batches. */
    @WithDefault("points")
    StreamingKMeans.TimeUnit decayUnit();

    /** Half-life of a user's profile in event time: older behaviour counts half after this long. */
    @WithDefault("7d")
    Duration profileHalfLife();

    /** Weight of an event in the user's profile, by type ({@code event-weights.view=1}). */
    EventWeights eventWeights();

    /** Profile weight of each event type. */
    interface EventWeights {
        /** A product view. */
        @WithDefault("1")
        double view();

        /** A search query. */
        @WithDefault("1")
        double search();

        /** An add to cart. */
        @WithDefault("3")
        double cart();

        /** An add to the wishlist. */
        @WithDefault("2")
        double wishlist();

        /** A purchase. */
        @WithDefault("5")
        double purchase();

        /** A click on a recommended item. */
        @WithDefault("2")
        double click();

        /** A removal from the cart (or a cancelled purchase): negative, it pulls the profile away from the item. */
        @WithName("remove_from_cart")
        @WithDefault("-1")
        double removeFromCart();
    }

    /** A user moves on an event only when the new segment scores at least this much higher (cosine or posterior). */
    @WithDefault("0.02")
    double margin();

    /** ...and only after staying in the current segment at least this long (event time). */
    @WithDefault("10m")
    Duration minDwell();

    /** A segment lighter than this fraction of the heaviest is retired and re-seeded by a split (at a check). */
    @WithDefault("0.05")
    double deadFraction();

    /** Profiles needed before the model is seeded; 0 means 10·k. Until then no user has a segment. */
    @WithDefault("0")
    int bootstrapProfiles();

    /** k-means++ restarts when seeding and refitting (more restarts: a better optimum, measured to matter most). */
    @WithDefault("20")
    int seedingRestarts();

    /**
     * Spherical Lloyd iterations per k-means++ restart before the restarts are ranked (the winner and warm fits then
     * run to convergence). 5 measured as good as 10 on Online Retail (cost ratio 1.004 vs 1.001, ARI vs batch 0.410
     * vs 0.412) at about half the refit time.
     */
    @WithDefault("5")
    int lloydIterations();

    /** Users kept in the profile sample used for seeding, refits, checks and rescue (bottom-k by id hash). */
    @WithDefault("5000")
    int sampleSize();

    /** Refits toward the batch optimum (see RefitPolicy). */
    Refit refit();

    /** When the model is refit and how the refit keeps segment identities. */
    interface Refit {
        /** Refit when the number of profiled shoppers reached this factor times the number at the last fit. */
        @WithDefault("2")
        double growthFactor();

        /** Profiles folded into the model between two drift checks (0: no checks). */
        @WithDefault("2000")
        long checkEveryPoints();

        /** A check refits when the live cost on the sample exceeds a warm fit's by more than this share. */
        @WithDefault("0.01")
        double driftMargin();

        /** Refit at least this often (0: no time cap); wall time in the service. */
        @WithDefault("1h")
        Duration maxAge();

        /** A fresh k-means++ fit replaces the warm fit only when cheaper by more than this share. */
        @WithDefault("0.01")
        double freshFitGain();

        /** Matched centroids less similar than this (cosine) are different segments: one ends, one is born. */
        @WithDefault("0.5")
        double minMatchSimilarity();

        /** Shoppers re-decided per second at most by the sweep after a refit (per process). */
        @WithDefault("100000")
        int sweepRate();

        /** Shoppers per sweep step (one SCAN, one MGET, one write script). */
        @WithDefault("500")
        int sweepChunk();
    }

    /** Smallest per-dimension variance of a GMM component. */
    @WithDefault("1e-4")
    double gmmVarFloor();

    /** How the profile vector is stored per user (float16: ~0.8 KiB per user at d = 384). */
    @WithDefault("float16")
    VectorEncoding profileEncoding();

    /** How often the model is snapshotted to PostgreSQL (and always on shutdown). */
    @WithDefault("60s")
    Duration snapshotInterval();

    /** Seed of the random generator used for seeding and refits, for reproducible runs. */
    @WithDefault("42")
    long randomSeed();

    /** The engine's parameters; a bad value stops the start with a message naming it. */
    static SegmentationParams params(SegmentationConfig c) {
        Refit r = c.refit();
        RefitPolicy refit = new RefitPolicy(r.growthFactor(), r.checkEveryPoints(), r.driftMargin(),
                r.maxAge().toMillis(), r.freshFitGain(), r.minMatchSimilarity());
        int bootstrap = c.bootstrapProfiles() > 0 ? c.bootstrapProfiles() : 10 * c.k();
        return new SegmentationParams(c.k(), c.algorithm(), c.decayHalfLife(), c.decayUnit(), c.deadFraction(),
                c.margin(), c.minDwell().toMillis(), c.profileHalfLife().toMillis(), PROFILE_MIN_WEIGHT,
                c.gmmVarFloor(), c.seedingRestarts(), c.lloydIterations(), bootstrap,
                c.sampleSize(), c.randomSeed(), refit);
    }

    /** The event weights by event type; a weight that is not a finite number stops the start naming its key. */
    static Map<EventType, Double> weightsByType(EventWeights w) {
        Map<EventType, Double> out = new EnumMap<>(EventType.class);
        out.put(EventType.VIEW, w.view());
        out.put(EventType.SEARCH, w.search());
        out.put(EventType.CART, w.cart());
        out.put(EventType.WISHLIST, w.wishlist());
        out.put(EventType.PURCHASE, w.purchase());
        out.put(EventType.CLICK, w.click());
        out.put(EventType.REMOVE_FROM_CART, w.removeFromCart());
        out.forEach((t, v) -> {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("shoal.segmentation.event-weights." + t.wireName()
                        + " must be a finite number but was " + v);
            }
        });
        return out;
    }

    /** Floor of a profile's weight after negative events (not a tunable: it only keeps the weight positive). */
    double PROFILE_MIN_WEIGHT = 0.01;
}
