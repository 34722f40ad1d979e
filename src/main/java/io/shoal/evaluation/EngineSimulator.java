package io.shoal.evaluation;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import io.shoal.segmentation.AssignmentPolicy;
import io.shoal.segmentation.KMeansSeeder;
import io.shoal.segmentation.KMeansState;
import io.shoal.segmentation.SegmentBatchPlanner;
import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;
import io.shoal.segmentation.SegmentBatchPlanner.Model;
import io.shoal.segmentation.SegmentBatchPlanner.Plan;
import io.shoal.segmentation.SegmentBatchPlanner.PlannedEvent;
import io.shoal.segmentation.SegmentBatchPlanner.UserOutcome;
import io.shoal.segmentation.SegmentBatchPlanner.UserState;
import io.shoal.segmentation.SegmentRescue;
import io.shoal.segmentation.StreamingKMeans;
import io.shoal.store.StoredModel;

/**
 * Replays an event stream through the service's segmentation logic in memory, without Redis or PostgreSQL, so the
 * evaluation measures the product's engine and not a re-implementation of it.
 *
 * <h2>What is replayed, batch by batch (as {@code SegmentationStage}, {@code SegmentWriter} and
 * {@code SegmentModelManager} do)</h2>
 * <ol>
 * <li>{@link SegmentBatchPlanner#plan}: profiles absorb the batch's events, each touched user is decided against the
 * model (margin + dwell hysteresis), per-slot member sums s_k and counts m_k are collected.</li>
 * <li>The plan is applied like the Redis script: n_k ← a·n_k + m_k, S_k ← a·S_k + s_k (float32 sums), with a from
 * the decay half-life and the batch's member count; every written profile enters the profile sample, which is kept
 * at its cap by random eviction.</li>
 * <li>Without a model, once the sample holds {@code bootstrapProfiles} profiles: k-means++ with restarts on the
 * sample, then every sampled user is decided without adding to the sums.</li>
 * <li>Every {@code maintenanceEveryBatches} batches: {@link SegmentRescue} then {@link KMeansSeeder#refine} on the
 * sample.</li>
 * </ol>
 * Event time drives everything (dwell, profile decay); a batch is {@code batchSize} consecutive events, as the
 * micro-batcher forms them under a fast replay.
 */
public final class EngineSimulator {

    /** Sees the stream as it is replayed; the recommendation and drift checks hook in here. */
    public interface BatchObserver {
        /** Before batch {@code events} (stream positions {@code from}..) is applied: the state is the previous one. */
        default void beforeBatch(int from, List<EvaluationEvent> events, EngineSimulator engine) {
        }

        /** After the batch (and any seeding or maintenance it triggered). */
        default void afterBatch(int from, List<EvaluationEvent> events, EngineSimulator engine) {
        }
    }

    /**
     * Segment changes of existing members (MOVED or SEGMENT_RETIRED, not first assignments) per event day (UTC).
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

    private final EngineSettings settings;
    private final Map<String, float[]> vectors;
    private final SegmentBatchPlanner planner;
    private final SegmentRescue rescue;
    private final SplittableRandom random;
    private final Map<String, UserState> users = new HashMap<>();
    private final Map<String, float[]> sample = new LinkedHashMap<>();
    private final List<String> sampleKeys = new ArrayList<>();
    private final Map<String, Integer> sampleIndex = new HashMap<>();
    private final Map<LocalDate, Set<String>> active = new TreeMap<>();
    private final Map<LocalDate, Set<String>> moved = new TreeMap<>();
    private StoredModel model;
    private long batches;
    private long suppressed;
    private long changes;
    private int seededAtEvent = -1;
    private int rescues;

    /**
     * @param vectors the unit vector of every normalised text in the stream
     */
    public EngineSimulator(EngineSettings settings, Map<String, float[]> vectors) {
        this.settings = settings;
        this.vectors = vectors;
        this.planner = new SegmentBatchPlanner(settings.params().profileUpdater(),
                settings.params().assignmentPolicy(), settings.params().gmm());
        this.rescue = settings.params().rescue();
        this.random = new SplittableRandom(settings.randomSeed());
    }

    /** Replays the whole stream (in the given order) in micro-batches. */
    public EngineSimulator run(List<EvaluationEvent> stream, List<BatchObserver> observers) {
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

    /** One micro-batch: plan, apply, then seed or maintain as the service would. */
    void apply(List<EvaluationEvent> batch, int from) {
        List<PlannedEvent> planned = new ArrayList<>(batch.size());
        for (EvaluationEvent e : batch) {
            float[] v = vectors.get(e.text());
            if (v == null) {
                throw new IllegalStateException("no vector for text '" + e.text() + "'");
            }
            planned.add(new PlannedEvent(e.userId(), v, settings.weight(e.type()), e.eventMillis()));
        }
        Plan plan = planner.plan(view(), users, planned, List.of());
        double decay = StreamingKMeans.decayFor(settings.params().decayHalfLife(), settings.params().decayUnit(),
                Math.max(1, plan.members()));
        record(plan, decay);
        if (model == null) {
            if (sample.size() >= settings.bootstrapProfiles()) {
                seed();
                seededAtEvent = from + batch.size();
            }
            return;
        }
        batches++;
        if (settings.maintenanceEveryBatches() > 0 && batches % settings.maintenanceEveryBatches() == 0) {
            maintain();
        }
    }

    private void record(Plan plan, double decay) {
        if (model != null) {
            fold(plan.counts(), plan.sums(), decay);
        }
        suppressed += plan.suppressed();
        for (UserOutcome o : plan.outcomes()) {
            if (o.profile() == null || !o.profileChanged()) {
                continue;
            }
            users.put(o.userId(), new UserState(o.profile(), o.segmentId(), o.sinceMillis()));
            putSample(o.userId(), o.profile().vector());
            trackDecision(o);
        }
    }

    private void trackDecision(UserOutcome o) {
        AssignmentPolicy.Decision d = o.decision();
        if (d == null) {
            return;
        }
        LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(o.profile().lastEventMillis()), ZoneOffset.UTC);
        active.computeIfAbsent(day, x -> new HashSet<>()).add(o.userId());
        if (d.reason() == AssignmentPolicy.Reason.MOVED || d.reason() == AssignmentPolicy.Reason.SEGMENT_RETIRED) {
            moved.computeIfAbsent(day, x -> new HashSet<>()).add(o.userId());
            changes++;
        }
    }

    /** n_k ← a·n_k + m_k, S_k ← a·S_k + s_k, in float32 like the Redis script. */
    private void fold(double[] counts, double[][] sums, double decay) {
        int k = model.k();
        double[] weights = model.weights().clone();
        float[][] folded = new float[k][];
        for (int j = 0; j < k; j++) {
            weights[j] = decay * weights[j] + counts[j];
            float[] old = model.sums()[j];
            float[] next = new float[old.length];
            for (int i = 0; i < old.length; i++) {
                next[i] = (float) (decay * old[i] + sums[j][i]);
            }
            folded[j] = next;
        }
        model = new StoredModel(Algorithm.KMEANS, k, model.dimension(), model.version() + 1, model.nextSegmentId(),
                model.ids(), weights, folded, null, model.createdMillis());
    }

    private void putSample(String userId, float[] vector) {
        if (sample.put(userId, vector) == null) {
            sampleIndex.put(userId, sampleKeys.size());
            sampleKeys.add(userId);
        }
        while (sample.size() > settings.sampleCap()) {
            int victim = random.nextInt(sampleKeys.size());
            String removed = sampleKeys.get(victim);
            String last = sampleKeys.remove(sampleKeys.size() - 1);
            if (!last.equals(removed)) {
                sampleKeys.set(victim, last);
                sampleIndex.put(last, victim);
            }
            sampleIndex.remove(removed);
            sample.remove(removed);
        }
    }

    private void seed() {
        List<String> sampled = new ArrayList<>(sample.keySet());
        KMeansState state = settings.params().seeder()
                .seed(new ArrayList<>(sample.values()), settings.params().k(), settings.randomSeed()).state();
        long[] created = new long[state.k()];
        model = StoredModel.fromKMeans(Algorithm.KMEANS, state, created, null);
        // Decisions only: the sampled users are already in the data the model was seeded from.
        Plan plan = planner.plan(view(), users, List.of(), sampled);
        for (UserOutcome o : plan.outcomes()) {
            if (o.profile() != null) {
                users.put(o.userId(), new UserState(o.profile(), o.segmentId(), o.sinceMillis()));
            }
        }
    }

    private void maintain() {
        List<float[]> profiles = new ArrayList<>(sample.values());
        KMeansState state = model.kmeans();
        SegmentRescue.RescueResult rescued = rescue.rescue(state, profiles);
        rescues += (int) rescued.events().stream()
                .filter(e -> e.kind() == io.shoal.segmentation.SegmentLifecycleEvent.Kind.CREATED).count();
        KMeansState next = KMeansSeeder.refine(rescued.state(), profiles, settings.params().lloydIterations())
                .state();
        model = StoredModel.fromKMeans(Algorithm.KMEANS, next, model.createdMillis(), null);
    }

    private Model view() {
        return model == null ? null : new Model(Algorithm.KMEANS, model.kmeans(), null);
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

    /** Segment changes of already segmented users (MOVED or SEGMENT_RETIRED decisions). */
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

    /** Helper for tests and reports: the current slot weights. */
    double[] weights() {
        return model == null ? new double[0] : Arrays.copyOf(model.weights(), model.k());
    }
}
