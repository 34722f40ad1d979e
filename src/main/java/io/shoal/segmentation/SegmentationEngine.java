package io.shoal.segmentation;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.shoal.segmentation.SegmentBatchPlanner.Plan;
import io.shoal.segmentation.SegmentBatchPlanner.PlannedEvent;
import io.shoal.segmentation.SegmentBatchPlanner.UserOutcome;
import io.shoal.segmentation.SegmentBatchPlanner.UserState;

/**
 * The segmentation engine: every rule of the segmentation, in one place, for its two drivers (the service over
 * Redis and PostgreSQL, the evaluation in memory). A driver loads state, calls the engine, and applies what the
 * engine planned; it decides nothing itself.
 *
 * <h2>The life of the model, as a driver runs it</h2>
 * <ol>
 * <li><b>Per batch</b> ({@link #plan}): profiles absorb the events ({@link ProfileUpdater}), each touched shopper is
 * decided with hysteresis ({@link AssignmentPolicy}), per-slot member statistics are summed; the driver folds them
 * into the model with {@link #decay} by the rule of {@link SegmentModel#fold} (the Redis script mirrors it) and
 * writes every touched profile into the sample by {@link SamplePolicy}.</li>
 * <li><b>Seeding</b> ({@link #readyToSeed}, {@link SegmentRefit#seed}): once the sample holds
 * {@code bootstrapProfiles} profiles.</li>
 * <li><b>After every batch</b> ({@link #due}): growth, age or a drift check ({@link RefitPolicy}); the driver then
 * calls {@link #maintain} with the sample and swaps in the result atomically with a generation bump.</li>
 * <li><b>After a swap</b>: every shopper, not only the sampled ones, is decided again against the new model by the
 * nearest segment ({@link #sweep}), and each move is audited with the swap's {@link SegmentRefit.Cause}.</li>
 * <li><b>Identity merge</b> ({@link #merge}): when two shoppers turn out to be one, their profiles merge
 * ({@link ProfileUpdater#merge}) and the shopper is decided again by the nearest segment.</li>
 * </ol>
 */
public final class SegmentationEngine {

    private final SegmentationParams params;
    private final SegmentBatchPlanner planner;
    private final SegmentBatchPlanner nearest;
    private final SegmentRefit refit;

    public SegmentationEngine(SegmentationParams params) {
        this.params = params;
        this.planner = new SegmentBatchPlanner(params.profileUpdater(), params.assignmentPolicy(), params.gmm());
        this.nearest = new SegmentBatchPlanner(params.profileUpdater(), new AssignmentPolicy(0, 0), params.gmm());
        this.refit = new SegmentRefit(params);
    }

    public SegmentationParams params() {
        return params;
    }

    /** One micro-batch's plan against {@code model} (null while bootstrapping). */
    public Plan plan(SegmentModel model, Map<String, UserState> users, List<PlannedEvent> events) {
        return planner.plan(model == null ? null : model.view(), users, events, List.of());
    }

    /** The decay a of a planned batch: by the number of member profiles it folds in (at least one). */
    public double decay(Plan plan) {
        return params.decay(Math.max(1, plan.members()));
    }

    /** The per-batch model update, the rule the Redis script mirrors. */
    public SegmentModel fold(SegmentModel model, Plan plan) {
        return model.fold(model.ids(), decay(plan), plan.counts(), plan.sums(), plan.sumSquares());
    }

    /** Whether a model can be seeded from a sample of this size. */
    public boolean readyToSeed(long sampleSize) {
        return sampleSize >= params.bootstrapProfiles();
    }

    public SegmentRefit.Swap seed(SegmentRefit.Sample sample, long profiled, long nowMillis) {
        return refit.seed(sample, profiled, nowMillis);
    }

    /** What is due after a batch (see {@link RefitPolicy#due}). */
    public RefitPolicy.Trigger due(SegmentModel model, long profiled, long pointsSinceCheck, long nowMillis) {
        return params.refit().due(model, profiled, pointsSinceCheck, nowMillis);
    }

    /** The swap a due trigger leads to, if any (see {@link SegmentRefit#maintain}). */
    public Optional<SegmentRefit.Swap> maintain(SegmentModel model, SegmentRefit.Sample sample, long profiled,
            RefitPolicy.Trigger trigger, long nowMillis) {
        return refit.maintain(model, sample, profiled, trigger, nowMillis);
    }

    /** As above, with the segments seeded from examples held at their examples' direction (by segment id). */
    public Optional<SegmentRefit.Swap> maintain(SegmentModel model, SegmentRefit.Sample sample, long profiled,
            RefitPolicy.Trigger trigger, long nowMillis, java.util.Map<Long, float[]> seeded) {
        return refit.maintain(model, sample, profiled, trigger, nowMillis, seeded);
    }

    /** Adds a segment seeded from examples (see {@link SegmentRefit#addSeeded}). */
    public SegmentRefit.Swap addSeeded(SegmentModel model, float[] direction, SegmentRefit.Sample sample,
            long nowMillis) {
        return refit.addSeeded(model, direction, sample, nowMillis);
    }

    /**
     * Merges shopper {@code from} into shopper {@code intoId}: the profiles combine by {@link ProfileUpdater#merge},
     * and the merged shopper is decided again by the nearest segment (no hysteresis: its evidence changed wholesale,
     * not by one event). Like a sweep, it adds nothing to the segment sums: both profiles are already in them, and
     * the merged-away one decays out of them as any idle shopper does.
     *
     * @param model the current model, or null while bootstrapping (the shopper then keeps its segment)
     * @return the merged shopper; its {@code fromSegment} is {@code into}'s segment before, and its profile is null
     *         only when neither shopper had one
     */
    public UserOutcome merge(SegmentModel model, String intoId, UserState into, UserState from) {
        UserProfile merged = params.profileUpdater().merge(into.profile(), from.profile());
        UserState before = new UserState(merged, into.segmentId(), into.sinceMillis());
        UserOutcome o = nearest.plan(model == null ? null : model.view(), Map.of(intoId, before), List.of(),
                List.of(intoId)).outcomes().get(0);
        return new UserOutcome(intoId, merged, o.segmentId(), o.sinceMillis(), o.decision(), into.segmentId(),
                o.memberships(), merged != null);
    }

    /**
     * Decides the given shoppers again against a swapped-in model, by the nearest segment (no hysteresis: the model
     * changed, not the shopper). The plan carries no member statistics: these shoppers are in the data the model was
     * fitted on.
     */
    public Plan sweep(SegmentModel model, Map<String, UserState> users, List<String> userIds) {
        Plan p = nearest.plan(model.view(), users, List.of(), userIds);
        return new Plan(p.outcomes(), new double[model.k()], new double[model.k()][model.dimension()],
                p.sumSquares() == null ? null : new double[model.k()][model.dimension()], 0, 0);
    }
}
