package io.shoal.segmentation;

/**
 * Folds one behaviour event into a user's profile as an exponentially decayed weighted mean of event vectors.
 *
 * <h2>Update rule</h2>
 *
 * <pre>
 *   g  = 2^(-Δt / halfLifeMillis),   Δt = max(0, t - lastEventMillis)
 *   p' = normalise(g·w·p + v·e)
 *   w' = max(g·w + v, minWeight)
 *   lastEventMillis' = max(lastEventMillis, t)
 * </pre>
 *
 * <h2>Glossary</h2>
 * <ul>
 * <li>p: the profile's unit vector; w: its decayed weight (how much evidence stands behind p).</li>
 * <li>e: the event's unit vector (the embedding of the product or query); it is re-normalised defensively.</li>
 * <li>v: the event weight, set per event type by configuration (view 1, search 1, cart 3, wishlist 2,
 * purchase 5, remove_from_cart -1).</li>
 * <li>t: the event time in epoch millis (event time, not arrival time).</li>
 * <li>g: the discount of the old evidence; halfLifeMillis is the event-time span after which old evidence counts
 * half.</li>
 * </ul>
 *
 * <h2>Boundary values and edge cases</h2>
 * <ul>
 * <li>Δt = halfLifeMillis gives g = 0.5 exactly; Δt = 0 gives g = 1 (a plain weighted mean); Δt → ∞ gives g → 0
 * (only the new event counts).</li>
 * <li>Out-of-order events (t &lt; lastEventMillis) are folded in with Δt = 0: old evidence is never "un-decayed"
 * (g is never above 1), and lastEventMillis keeps the newest time.</li>
 * <li>Negative weights (remove_from_cart) subtract: p moves away from e. Because a profile must stay a
 * direction with positive evidence, w' never drops below {@code minWeight}, and when the subtraction would
 * leave a degenerate result (w' at or below the floor, a zero vector, or a vector pointing against the old p,
 * i.e. p'·p ≤ 0) the old direction p is kept and only the weight is lowered (to the floor at most). A
 * negative event therefore weakens a profile or nudges it away, never flips it.</li>
 * <li>The first event of a user (no previous profile) with v ≤ 0 yields no profile ({@code null}): there is no
 * positive evidence to point at.</li>
 * </ul>
 *
 * <h2>Merging two profiles (identity merge)</h2>
 * When two shoppers turn out to be one (an anonymous visitor logs in), their profiles combine by the same
 * convention as an update, w·p standing for the decayed sum of a profile's events:
 *
 * <pre>
 *   t  = max(t_a, t_b),   w_a' = 2^(-(t - t_a) / halfLife)·w_a,   w_b' likewise
 *   p  = normalise(w_a'·p_a + w_b'·p_b),   w = max(w_a' + w_b', minWeight),   lastEventMillis = t
 * </pre>
 * Both are decayed to the newer one's time first, so the merge weighs each side's evidence as it stands now. With
 * one side a single event this is exactly {@link #apply}; it is symmetric, and a missing side leaves the other
 * unchanged. Opposite directions of equal weight leave no direction: the heavier (else the first) profile's is kept.
 */
public final class ProfileUpdater {

    /** Default floor of a profile's weight after negative events. */
    public static final double DEFAULT_MIN_WEIGHT = 0.01;

    private final long halfLifeMillis;
    private final double minWeight;

    /**
     * @param halfLifeMillis event-time span after which old evidence counts half; &gt; 0
     * @param minWeight floor of a profile's weight after negative events; &gt; 0
     */
    public ProfileUpdater(long halfLifeMillis, double minWeight) {
        if (halfLifeMillis <= 0) {
            throw new IllegalArgumentException("halfLifeMillis must be > 0 but was " + halfLifeMillis);
        }
        if (!(minWeight > 0) || Double.isInfinite(minWeight)) {
            throw new IllegalArgumentException("minWeight must be finite and > 0 but was " + minWeight);
        }
        this.halfLifeMillis = halfLifeMillis;
        this.minWeight = minWeight;
    }

    /** With {@link #DEFAULT_MIN_WEIGHT}. */
    public ProfileUpdater(long halfLifeMillis) {
        this(halfLifeMillis, DEFAULT_MIN_WEIGHT);
    }

    public long halfLifeMillis() {
        return halfLifeMillis;
    }

    public double minWeight() {
        return minWeight;
    }

    /** The discount g = 2^(-Δt / halfLifeMillis) for an event-time gap, with Δt &lt; 0 treated as 0. */
    public double discount(long deltaMillis) {
        if (deltaMillis <= 0) {
            return 1.0;
        }
        return Math.pow(2.0, -(double) deltaMillis / halfLifeMillis);
    }

    /**
     * The profile of two shoppers merged into one (see the class comment); null when both are null.
     */
    public UserProfile merge(UserProfile a, UserProfile b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        Vectors.requireDimension(b.vectorRef(), a.dimension(), "merged profile");
        long t = Math.max(a.lastEventMillis(), b.lastEventMillis());
        double wa = discount(t - a.lastEventMillis()) * a.weight();
        double wb = discount(t - b.lastEventMillis()) * b.weight();
        double[] raw = new double[a.dimension()];
        Vectors.addScaled(raw, a.vectorRef(), wa);
        Vectors.addScaled(raw, b.vectorRef(), wb);
        float[] direction = Vectors.normalizeOrNull(raw);
        if (direction == null) {
            direction = wb > wa ? b.vectorRef() : a.vectorRef();
        }
        return new UserProfile(direction, Math.max(wa + wb, minWeight), t);
    }

    /**
     * Applies one event.
     *
     * @param previousOrNull the user's profile so far, or {@code null} for a new user
     * @param e the event's vector (unit length expected; re-normalised)
     * @param eventWeight v, the event type's weight; may be negative
     * @param eventMillis t, the event time
     * @return the new profile, or {@code null} for a new user whose first event has weight ≤ 0
     */
    public UserProfile apply(UserProfile previousOrNull, float[] e, double eventWeight, long eventMillis) {
        if (e == null || e.length == 0) {
            throw new IllegalArgumentException("event vector must be non-empty");
        }
        if (!Double.isFinite(eventWeight)) {
            throw new IllegalArgumentException("eventWeight must be finite but was " + eventWeight);
        }
        float[] unitEvent = Vectors.normalizeOrNull(e);
        if (unitEvent == null) {
            throw new IllegalArgumentException("event vector must not be the zero vector");
        }
        if (previousOrNull == null) {
            return eventWeight > 0 ? new UserProfile(unitEvent, eventWeight, eventMillis) : null;
        }
        Vectors.requireDimension(e, previousOrNull.dimension(), "event vector");

        float[] p = previousOrNull.vectorRef();
        double g = discount(eventMillis - previousOrNull.lastEventMillis());
        double oldWeight = g * previousOrNull.weight();
        double rawWeight = oldWeight + eventWeight;
        long last = Math.max(previousOrNull.lastEventMillis(), eventMillis);

        double[] raw = new double[p.length];
        Vectors.addScaled(raw, p, oldWeight);
        Vectors.addScaled(raw, unitEvent, eventWeight);
        float[] direction = Vectors.normalizeOrNull(raw);
        boolean degenerate = rawWeight <= minWeight || direction == null || Vectors.dot(direction, p) <= 0;
        if (degenerate && eventWeight < 0) {
            return new UserProfile(p, Math.max(rawWeight, minWeight), last);
        }
        // Positive evidence may move p anywhere; only an exact cancellation (e = -p, v = g·w) leaves no direction.
        return new UserProfile(direction == null ? p : direction, Math.max(rawWeight, minWeight), last);
    }
}
