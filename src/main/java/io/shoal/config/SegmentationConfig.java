package io.shoal.config;

import java.time.Duration;
import java.util.Map;

import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;
import io.shoal.segmentation.StreamingKMeans;
import io.shoal.store.VectorEncoding;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The segment model: algorithm, size, forgetting, hysteresis, maintenance. Validated at start. */
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

    /**
     * Weight of an event in the user's profile by type, one key per type ({@code event-weights.view=1}); defaults
     * in application.properties: view 1, search 1, cart 3, wishlist 2, purchase 5, remove_from_cart -1 (it pulls
     * the profile away from the item).
     */
    Map<String, Double> eventWeights();

    /**
     * A user moves only when the new segment scores at least this much higher (cosine or posterior). 0.02 was
     * measured on Online Retail to keep batch-optimum quality (docs/quality.md, parameter sweep) while halving moves.
     */
    @WithDefault("0.02")
    double margin();

    /** ...and only after staying in the current segment at least this long (event time). */
    @WithDefault("10m")
    Duration minDwell();

    /** A segment lighter than this fraction of the heaviest is retired and re-seeded by a split. */
    @WithDefault("0.05")
    double deadFraction();

    /** Profiles needed before the model is seeded; 0 means 10·k. Until then no user has a segment. */
    @WithDefault("0")
    int bootstrapProfiles();

    /** k-means++ restarts when seeding (more restarts: better start, measured to matter most). */
    @WithDefault("20")
    int seedingRestarts();

    /** Spherical Lloyd iterations per seeding restart and per refinement. */
    @WithDefault("10")
    int lloydIterations();

    /** Users kept in the profile sample used for seeding, rescue and refinement. */
    @WithDefault("5000")
    int sampleSize();

    /**
     * Every this many batches (per process) the model is checked for dead segments and refined on the sample. Every
     * 200 batches measurably hurt quality on Online Retail (docs/quality.md), so it is a slow safety net.
     */
    @WithDefault("1000")
    int maintenanceEveryBatches();

    /** Smallest per-dimension variance of a GMM component. */
    @WithDefault("1e-4")
    double gmmVarFloor();

    /** How the profile vector is stored per user (float16: ~0.8 KiB per user at d = 384). */
    @WithDefault("float16")
    VectorEncoding profileEncoding();

    /** How often the model is snapshotted to PostgreSQL (and always on shutdown). */
    @WithDefault("60s")
    Duration snapshotInterval();

    /** Seed of the random generator used for seeding, for reproducible runs. */
    @WithDefault("42")
    long randomSeed();
}
