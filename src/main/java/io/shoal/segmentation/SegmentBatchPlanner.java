package io.shoal.segmentation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans what one micro-batch does to the segment model, without touching any store: the pure heart of the
 * segmentation stage. The I/O layer loads the model and the batch's users, calls {@link #plan}, then applies the
 * plan atomically (Redis) and records its changes (PostgreSQL).
 *
 * <h2>Per batch</h2>
 * <ol>
 * <li>Each user's profile absorbs the user's events in order ({@link ProfileUpdater}: decayed weighted mean).</li>
 * <li>With a model, each touched user is scored against every segment (cosine for k-means, posterior membership
 * for the GMM) and {@link AssignmentPolicy} decides (margin + dwell hysteresis, retired segments).</li>
 * <li>The user's updated profile is a new member of the decided segment: the plan carries, per slot, the sum s_k
 * and count m_k of these member profiles (for the GMM, the responsibility-weighted count, sum and sum of squares),
 * which the store folds into the decayed model in one atomic step: n_k ← a·n_k + m_k, S_k ← a·S_k + s_k
 * ({@link StreamingKMeans} explains why the decayed sum S_k = n_k·r_k·c_k is kept).</li>
 * </ol>
 * Users listed as {@code reassess} (e.g. every sampled user right after seeding) are decided without an event and
 * add nothing to the sums: they are already in the data the model was seeded from.
 */
public final class SegmentBatchPlanner {

    /** The algorithm that scores users and shapes the per-slot statistics. */
    public enum Algorithm {
        KMEANS, GMM
    }

    /** One event reduced to what the math needs. */
    public record PlannedEvent(String userId, float[] vector, double weight, long eventMillis) {
    }

    /** What the store knows of a user before the batch. */
    public record UserState(UserProfile profile, Long segmentId, long sinceMillis) {
        public static final UserState NEW = new UserState(null, null, 0L);
    }

    /** The model as loaded: k-means view always (ids, centroids), GMM statistics when the algorithm is GMM. */
    public record Model(Algorithm algorithm, KMeansState kmeans, GmmState gmm) {
    }

    /**
     * A user after the batch.
     *
     * @param profile      the new profile (null when the user still has none, e.g. only negative events)
     * @param segmentId    the segment after the decision, or the previous one when there is no model
     * @param sinceMillis  when the user entered that segment (event time)
     * @param decision     null without a model or profile
     * @param fromSegment  the segment before, for changes
     * @param memberships  GMM posteriors by slot, else null
     * @param profileChanged whether the profile must be written
     */
    public record UserOutcome(String userId, UserProfile profile, Long segmentId, long sinceMillis,
            AssignmentPolicy.Decision decision, Long fromSegment, double[] memberships, boolean profileChanged) {

        public boolean segmentChanged() {
            return decision != null && decision.changed();
        }
    }

    /**
     * The plan of one batch.
     *
     * @param outcomes     one per touched or reassessed user, in first-seen order
     * @param counts       m_k per slot (GMM: sum of responsibilities); empty without a model
     * @param sums         s_k per slot
     * @param sumSquares   per slot, GMM only (else null)
     * @param members      number of profiles that entered the sums (for the decay by points)
     * @param suppressed   moves held back by the hysteresis
     */
    public record Plan(List<UserOutcome> outcomes, double[] counts, double[][] sums, double[][] sumSquares,
            int members, int suppressed) {
    }

    private final ProfileUpdater profiles;
    private final AssignmentPolicy policy;
    private final OnlineGmm gmm;

    public SegmentBatchPlanner(ProfileUpdater profiles, AssignmentPolicy policy, OnlineGmm gmm) {
        this.profiles = profiles;
        this.policy = policy;
        this.gmm = gmm;
    }

    /**
     * @param model    the current model, or null while bootstrapping
     * @param users    state of every user in {@code events} and {@code reassess} (missing = new user)
     * @param events   the batch's events that carry a vector, in arrival order
     * @param reassess users to decide without events
     */
    public Plan plan(Model model, Map<String, UserState> users, List<PlannedEvent> events, List<String> reassess) {
        Map<String, UserProfile> updated = new LinkedHashMap<>();
        Map<String, Long> lastEvent = new HashMap<>();
        for (PlannedEvent e : events) {
            UserProfile before = updated.containsKey(e.userId()) ? updated.get(e.userId())
                    : users.getOrDefault(e.userId(), UserState.NEW).profile();
            updated.put(e.userId(), profiles.apply(before, e.vector(), e.weight(), e.eventMillis()));
            lastEvent.merge(e.userId(), e.eventMillis(), Math::max);
        }
        int k = model == null ? 0 : model.kmeans().k();
        int d = model == null ? 0 : model.kmeans().dimension();
        boolean isGmm = model != null && model.algorithm() == Algorithm.GMM;
        double[] counts = new double[k];
        double[][] sums = new double[k][d];
        double[][] squares = isGmm ? new double[k][d] : null;
        List<UserOutcome> outcomes = new ArrayList<>(updated.size() + reassess.size());
        int members = 0;
        int suppressed = 0;

        List<String> order = new ArrayList<>(updated.keySet());
        for (String u : reassess) {
            if (!updated.containsKey(u)) {
                order.add(u);
            }
        }
        for (String userId : order) {
            boolean touched = updated.containsKey(userId);
            UserState before = users.getOrDefault(userId, UserState.NEW);
            UserProfile profile = touched ? updated.get(userId) : before.profile();
            if (model == null || profile == null) {
                outcomes.add(new UserOutcome(userId, profile, before.segmentId(), before.sinceMillis(), null,
                        before.segmentId(), null, touched && profile != null));
                continue;
            }
            long now = touched ? lastEvent.get(userId) : profile.lastEventMillis();
            double[] scores;
            double[] memberships = null;
            if (isGmm) {
                memberships = gmm.memberships(model.gmm(), profile.vectorRef());
                scores = memberships;
            } else {
                scores = StreamingKMeans.similarities(model.kmeans(), profile.vectorRef());
            }
            AssignmentPolicy.Decision decision = policy.decide(before.segmentId(), before.sinceMillis(),
                    model.kmeans(), scores, now);
            if (decision.suppressed()) {
                suppressed++;
            }
            long segmentId = model.kmeans().segmentId(decision.segment());
            long since = decision.changed() ? now : before.sinceMillis();
            if (touched) {
                members++;
                if (isGmm) {
                    float[] x = profile.vectorRef();
                    for (int j = 0; j < k; j++) {
                        double r = memberships[j];
                        if (r < 1e-12) {
                            continue;
                        }
                        counts[j] += r;
                        for (int i = 0; i < d; i++) {
                            sums[j][i] += r * x[i];
                            squares[j][i] += r * x[i] * x[i];
                        }
                    }
                } else {
                    counts[decision.segment()] += 1;
                    Vectors.addScaled(sums[decision.segment()], profile.vectorRef(), 1.0);
                }
            }
            outcomes.add(new UserOutcome(userId, profile, segmentId, since, decision, before.segmentId(),
                    memberships, touched || decision.changed()));
        }
        return new Plan(outcomes, counts, sums, squares, members, suppressed);
    }
}
