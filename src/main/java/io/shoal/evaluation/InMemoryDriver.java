package io.shoal.evaluation;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.shoal.segmentation.AssignmentPolicy;
import io.shoal.segmentation.KMeansState;
import io.shoal.segmentation.RefitPolicy;
import io.shoal.segmentation.SamplePolicy;
import io.shoal.segmentation.SegmentBatchPlanner.Plan;
import io.shoal.segmentation.SegmentBatchPlanner.PlannedEvent;
import io.shoal.segmentation.SegmentBatchPlanner.UserOutcome;
import io.shoal.segmentation.SegmentBatchPlanner.UserState;
import io.shoal.segmentation.SegmentLifecycleEvent;
import io.shoal.segmentation.SegmentModel;
import io.shoal.segmentation.SegmentRefit;
import io.shoal.segmentation.SegmentationEngine;

/**
 * The in-memory driver of the {@link SegmentationEngine}: the same engine the service drives over Redis, with the
 * state in maps. It decides nothing itself; per batch it does what {@code SegmentationStage}, {@code SegmentWriter}
 * and {@code SegmentModelManager} do around the engine:
 * <ol>
 * <li>{@link SegmentationEngine#plan}, then {@link SegmentationEngine#fold} (the rule the Redis script mirrors);
 * every written profile goes into the sample by {@link SamplePolicy} (the same users Redis keeps).</li>
 * <li>Without a model, once {@link SegmentationEngine#readyToSeed}: {@link SegmentationEngine#seed}.</li>
 * <li>With one, {@link SegmentationEngine#due} and {@link SegmentationEngine#maintain}; after any swap, every
 * shopper is re-decided ({@link SegmentationEngine#sweep}).</li>
 * </ol>
 * Batches are {@code batchSize} consecutive events, as the micro-batcher forms them under a fast replay; the
 * driver's clock (the refit time cap) advances by the pipeline's batch timeout per batch, as it would in the
 * service replaying the stream at full speed.
 */
public final class InMemoryDriver {

    /** Sees the stream as it is replayed; the recommendation and drift checks hook in here. */
    public interface BatchObserver {
        /** Before batch {@code events} (stream positions {@code from}..) is applied: the state is the previous one. */
        default void beforeBatch(int from, List<EvaluationEvent> events, InMemoryDriver engine) {
        }

        /** After the batch (and any seeding, refit or sweep it triggered). */
        default void afterBatch(int from, List<EvaluationEvent> events, InMemoryDriver engine) {
        }
    }

    /**
     * Segment changes of existing members (not first assignments) per event day (UTC), behaviour and refit moves
     * alike.
     *
     * @param activeUsers per day, users that were decided at least once that day (with a model)
     * @param movedUsers  per day, users among them that changed segment at least once that day
     */
    public record Movement(Map<LocalDate, Integer> activeUsers, Map<LocalDate, Integer> movedUsers) {

        /** Σ moved user-days / Σ active user-days: the share of active users who move on a typical day. */
        public double movedShare() {
            long active = activeUsers.values().stream().mapToLong(Integer::longValue).sum();
            long moved = movedUsers.values().stream().mapToLong(Integer::longValue).sum();
            return active == 0 ? 0 : (double) moved / active;
        }

        /** The per-day shares, averaged over days with an active user. */
        public double meanDailyShare() {
            return activeUsers.entrySet().stream().filter(e -> e.getValue() > 0)
                    .mapToDouble(e -> (double) movedUsers.getOrDefault(e.getKey(), 0) / e.getValue())
                    .average().orElse(0);
        }
    }

    /** One model swap, for reports: when, why, and what it did. */
    public record SwapRecord(int atEvent, SegmentRefit.Cause cause, RefitPolicy.Trigger trigger, long generation,
            long profiled, double liveCost, double cost, boolean fresh, int moved, String lineage) {
    }

    private final EngineSettings settings;
    private final SegmentationEngine engine;
    private final Map<String, float[]> vectors;
    private final Map<String, UserState> users = new HashMap<>();
    private final TreeSet<String> sampled = new TreeSet<>(SamplePolicy.ORDER);
    private final Map<LocalDate, Set<String>> active = new TreeMap<>();
    private final Map<LocalDate, Set<String>> moved = new TreeMap<>();
    private final List<SwapRecord> swaps = new ArrayList<>();
    private SegmentModel model;
    private long batches;
    private long suppressed;
    private long changes;
    private long pointsSinceCheck;
    private long clock;
    private int seededAtEvent = -1;
    private int rescues;

    /** @param vectors the unit vector of every normalised text in the stream */
    public InMemoryDriver(EngineSettings settings, Map<String, float[]> vectors) {
        this.settings = settings;
        this.engine = new SegmentationEngine(settings.params());
        this.vectors = vectors;
    }

    /** Replays the whole stream (in the given order) in micro-batches. */
    public InMemoryDriver run(List<EvaluationEvent> stream, List<BatchObserver> observers) {
        int size = settings.batchSize();
        for (int from = 0; from < stream.size(); from += size) {
            List<EvaluationEvent> batch = stream.subList(from, Math.min(stream.size(), from + size));
            for (BatchObserver o : observers) {
                o.beforeBatch(from, batch, this);
            }
            apply(batch, from);
            for (BatchObserver o : observers) {
                o.afterBatch(from, batch, this);
            }
        }
        return this;
    }

    /** One micro-batch: plan, fold, then seed or maintain as the service does. */
    public void apply(List<EvaluationEvent> batch, int from) {
        List<PlannedEvent> planned = new ArrayList<>(batch.size());
        for (EvaluationEvent e : batch) {
            float[] v = vectors.get(e.text());
            if (v == null) {
                throw new IllegalStateException("no vector for text '" + e.text() + "'");
            }
            planned.add(new PlannedEvent(e.userId(), v, settings.weight(e.type()), e.eventMillis()));
        }
        applyPlanned(planned, from + batch.size());
    }

    /** The same for events already reduced to what the engine needs (the parity test feeds these). */
    public void applyPlanned(List<PlannedEvent> planned, int streamPosition) {
        // The driver's clock: a replay through the service at full speed closes a batch every batch-timeout.
        clock += settings.batchTimeoutMillis();
        Plan plan = engine.plan(model, users, planned);
        if (model != null) {
            model = engine.fold(model, plan);
            pointsSinceCheck += plan.members();
        }
        suppressed += plan.suppressed();
        record(plan, null);
        if (model == null) {
            if (engine.readyToSeed(sampled.size())) {
                SegmentRefit.Swap swap = engine.seed(sample(), profiled(), clock);
                swapIn(swap, streamPosition);
                seededAtEvent = streamPosition;
            }
            return;
        }
        batches++;
        RefitPolicy.Trigger due = engine.due(model, profiled(), pointsSinceCheck, clock);
        if (due != RefitPolicy.Trigger.NONE) {
            pointsSinceCheck = 0;
            Optional<SegmentRefit.Swap> swap = engine.maintain(model, sample(), profiled(), due, clock);
            swap.ifPresent(s -> swapIn(s, streamPosition));
        }
    }

    private void swapIn(SegmentRefit.Swap swap, int streamPosition) {
        model = swap.model();
        pointsSinceCheck = 0;
        rescues += (int) swap.rescued().stream().filter(e -> e.kind() == SegmentLifecycleEvent.Kind.CREATED).count();
        List<String> everyone = new ArrayList<>(users.keySet());
        Collections.sort(everyone);
        Plan sweep = engine.sweep(model, users, everyone);
        int movedBySweep = record(sweep, swap.cause());
        swaps.add(new SwapRecord(streamPosition, swap.cause(), swap.trigger(), model.generation(), profiled(),
                swap.liveCost(), swap.cost(), swap.fresh(), movedBySweep, lineageSummary(swap)));
    }

    private static String lineageSummary(SegmentRefit.Swap swap) {
        Map<String, Integer> counts = new TreeMap<>();
        swap.lineage().forEach(t -> counts.merge(t.kind().name().toLowerCase(), 1, Integer::sum));
        return counts.toString();
    }

    /** Stores the outcomes; @return how many shoppers changed segment (first assignments excluded). */
    private int record(Plan plan, SegmentRefit.Cause sweepCause) {
        int movedNow = 0;
        for (UserOutcome o : plan.outcomes()) {
            if (o.profile() == null || !(o.profileChanged() || o.segmentChanged())) {
                continue;
            }
            users.put(o.userId(), new UserState(o.profile(), o.segmentId(), o.sinceMillis()));
            if (sweepCause == null) {
                putSample(o.userId());
            }
            AssignmentPolicy.Decision d = o.decision();
            if (d == null) {
                continue;
            }
            LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(o.profile().lastEventMillis()), ZoneOffset.UTC);
            if (sweepCause == null) {
                active.computeIfAbsent(day, x -> new HashSet<>()).add(o.userId());
            }
            if (o.segmentChanged() && o.fromSegment() != null) {
                moved.computeIfAbsent(day, x -> new HashSet<>()).add(o.userId());
                changes++;
                movedNow++;
            }
        }
        return movedNow;
    }

    /** Bottom-k by priority: the same users the Redis script keeps. */
    private void putSample(String userId) {
        sampled.add(userId);
        while (sampled.size() > settings.params().sampleSize()) {
            sampled.pollLast();
        }
    }

    private SegmentRefit.Sample sample() {
        List<String> ids = new ArrayList<>(sampled);
        List<float[]> v = new ArrayList<>(ids.size());
        List<Long> segments = new ArrayList<>(ids.size());
        for (String u : ids) {
            UserState s = users.get(u);
            v.add(s.profile().vector());
            segments.add(s.segmentId());
        }
        return new SegmentRefit.Sample(ids, v, segments);
    }

    private long profiled() {
        return users.size();
    }

    public EngineSettings settings() {
        return settings;
    }

    /** The users' states (profile, segment id, since), read-only. */
    public Map<String, UserState> users() {
        return Collections.unmodifiableMap(users);
    }

    /** The model's k-means view, or null before seeding. */
    public KMeansState model() {
        return model == null ? null : model.kmeans();
    }

    /** The model itself, or null before seeding. */
    public SegmentModel segmentModel() {
        return model;
    }

    /** Segment id of a user, or null when the user has none yet. */
    public Long segmentOf(String userId) {
        UserState s = users.get(userId);
        return s == null ? null : s.segmentId();
    }

    public Movement movement() {
        Map<LocalDate, Integer> a = new TreeMap<>();
        Map<LocalDate, Integer> m = new TreeMap<>();
        active.forEach((d, s) -> a.put(d, s.size()));
        moved.forEach((d, s) -> m.put(d, s.size()));
        return new Movement(a, m);
    }

    /** Moves held back by the hysteresis. */
    public long suppressed() {
        return suppressed;
    }

    /** Segment changes of already segmented users (behaviour, refit, rescue). */
    public long changes() {
        return changes;
    }

    /** Stream position after which the model was seeded, -1 if never. */
    public int seededAtEvent() {
        return seededAtEvent;
    }

    /** Segments re-seeded by the rescue. */
    public int rescues() {
        return rescues;
    }

    /** Batches applied to a seeded model. */
    public long batches() {
        return batches;
    }

    /** Every model swap (seed, refits, rescues), in order. */
    public List<SwapRecord> swaps() {
        return List.copyOf(swaps);
    }

    /** Refits among the swaps. */
    public long refits() {
        return swaps.stream().filter(s -> s.cause() == SegmentRefit.Cause.REFIT).count();
    }
}
