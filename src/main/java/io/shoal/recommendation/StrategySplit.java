package io.shoal.recommendation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.Map;

/**
 * The A/B split of shoppers between strategies: a shopper's point u = the first 8 bytes of SHA-256("rec-split:" +
 * userId) as a fraction of 2^64, in [0, 1); the strategies own consecutive intervals of [0, 1) in
 * {@link Strategy} order, each as wide as its normalised share. The same shopper always gets the same strategy
 * (across processes and restarts), and changing one share moves only the shoppers at the boundaries it shifts.
 */
public final class StrategySplit {

    private final Map<Strategy, Double> shares;
    private final double[] upper = new double[Strategy.values().length];

    /** @param shares per strategy a share ≥ 0 (normalised here); at least one &gt; 0 */
    public StrategySplit(Map<Strategy, Double> shares) {
        double total = 0;
        for (Map.Entry<Strategy, Double> e : shares.entrySet()) {
            double v = e.getValue() == null ? Double.NaN : e.getValue();
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("the share of " + e.getKey().wireName()
                        + " must be a finite number >= 0 but was " + e.getValue());
            }
            total += v;
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("at least one strategy needs a share > 0 but the shares were " + shares);
        }
        Map<Strategy, Double> normal = new EnumMap<>(Strategy.class);
        double sum = 0;
        for (Strategy s : Strategy.values()) {
            double v = shares.getOrDefault(s, 0.0) / total;
            normal.put(s, v);
            sum += v;
            upper[s.ordinal()] = sum;
        }
        // The last strategy with a share takes what rounding left at the top of [0, 1).
        for (int i = upper.length - 1; i >= 0; i--) {
            if (normal.get(Strategy.values()[i]) > 0) {
                upper[i] = Double.POSITIVE_INFINITY;
                break;
            }
        }
        this.shares = Map.copyOf(normal);
    }

    /** The normalised shares. */
    public Map<Strategy, Double> shares() {
        return shares;
    }

    /** The shopper's strategy. */
    public Strategy strategyOf(String userId) {
        double u = point(userId);
        for (Strategy s : Strategy.values()) {
            if (u < upper[s.ordinal()] && shares.get(s) > 0) {
                return s;
            }
        }
        throw new IllegalStateException("no strategy for " + u); // unreachable: a bound is +inf
    }

    /** u in [0, 1). */
    static double point(String userId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(("rec-split:" + userId).getBytes(StandardCharsets.UTF_8));
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = (bits << 8) | (h[i] & 0xff);
            }
            return (bits >>> 11) * 0x1.0p-53;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
