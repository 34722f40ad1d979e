package io.shoal.recommendation;

/**
 * Exponential decay applied lazily by time, so that a stored sum never needs rewriting as time passes.
 * <p>
 * Rule: an interaction at time t adds the <em>growing weight</em> g(t) = 2^((t − E) / h) to a sum S, where E is the
 * fixed {@link #EPOCH} and h the half-life. At any time "now" the decayed value of the sum is
 * S · 2^(−(now − E) / h) = Σ 2^(−(now − tᵢ) / h): each interaction counts 1 when fresh, ½ after one half-life.
 * Sums of one clock therefore rank the same at every "now" (a sorted set can hold them as scores), and turning
 * them into decayed values is one multiplication at read time.
 * <p>
 * Range: doubles hold 2^±1000, so a clock serves ±1000 half-lives around E (82 years at a 30-day half-life).
 */
public record DecayClock(long halfLifeMillis) {

    /** E = 2020-01-01T00:00:00Z: all stored sums of Shoal share it (changing it rescales every sum). */
    public static final long EPOCH = 1_577_836_800_000L;

    public DecayClock {
        if (halfLifeMillis <= 0) {
            throw new IllegalArgumentException("halfLifeMillis must be > 0 but was " + halfLifeMillis);
        }
    }

    /** g(t): what an interaction of weight 1 at {@code eventMillis} adds to a sum. */
    public double growing(long eventMillis) {
        return Math.pow(2.0, (double) (eventMillis - EPOCH) / halfLifeMillis);
    }

    /** The decayed value at {@code nowMillis} of a sum of growing weights. */
    public double decayed(double sum, long nowMillis) {
        return sum * Math.pow(2.0, -(double) (nowMillis - EPOCH) / halfLifeMillis);
    }
}
