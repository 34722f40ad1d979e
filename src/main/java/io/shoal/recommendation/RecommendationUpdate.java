package io.shoal.recommendation;

import java.util.ArrayList;
import java.util.List;

/**
 * The recommendation state's update rule, planned per batch: what each interaction adds. The state-dependent part
 * (first and second purchases, baskets, bounds) is applied by {@link RecommendationState#apply} in memory and by
 * {@code apply_recommendation.lua} in Redis, which a test holds equal on random batches.
 *
 * <h2>Rule</h2>
 * For an interaction of kind k (weight w_k, a purchase weighs 1) with item i by shopper u at time t:
 * <ul>
 * <li>own items: W(u, i) += w_k · g_H(t) (history clock, {@link DecayClock}); a purchase at a time other than the
 * item's last purchase time also adds 1 to the purchase count c(u, i) (so c counts baskets, not invoice lines), and
 * the last purchase time becomes the later of the two;</li>
 * <li>repurchase counts: a purchase that makes c(u, i) = 1 adds a buyer B(i), one that makes it 2 a repeat buyer
 * R(i) (also to the totals B, R);</li>
 * <li>popularity: P(s, i) += w_k · g_P(t) for the segment s that u is in after the batch, P(i) += the same
 * globally (popularity clock);</li>
 * <li>baskets: a purchase at a time other than u's last basket time starts a basket: β(s) and β += g_P(t);</li>
 * <li>bought together: u remembers the first L distinct items of the current basket (a new basket forgets them).
 * A purchase of i that is not a second line of i in the basket adds g_P(t) to i's baskets b(i) and, for each
 * remembered item j, to C(i, j) and C(j, i); then i is remembered if fewer than L are. So C(i, j) counts the
 * decayed baskets with both, up to the first L items of a basket (a basket of n items costs at most
 * 2·L·n additions, not n²);</li>
 * <li>bounds: a shopper keeps the M items of highest W, a segment the N of highest P(s, ·), the global list the G of
 * highest P(·), an item's "bought with" list the K of highest C(i, ·) (ties: the lowest key goes first, as Redis
 * orders equal scores); an item that leaves the global list (or was only in a remembered basket) loses its text,
 * repurchase counts, b(i) and C(i, ·).</li>
 * </ul>
 * Feedback, counted per (segment s after the batch, or none; strategy σ of the list; kind):
 * <ul>
 * <li>an impression of i in a list of strategy σ: impressions(s, σ) += 1, and u remembers shown(u, i) = (σ, t)
 * (at most {@code shownItems} items per shopper: beyond, a new item is not remembered). It changes nothing else:
 * being shown an item says nothing about the shopper;</li>
 * <li>a click: clicks(s, σ) += 1, shown(u, i) = (σ, t) likewise, and it is an interaction of weight w_click;</li>
 * <li>a purchase of i with shown(u, i) = (σ, t₀) and 0 ≤ t − t₀ ≤ the conversion window: conversions(s, σ) += 1,
 * and shown(u, i) is forgotten (one conversion per showing).</li>
 * </ul>
 * Approximations (documented in the README): an item trimmed from a shopper and bought again counts as a new buyer;
 * a basket is a shopper's purchases with one event time.
 */
public final class RecommendationUpdate {

    /**
     * What one interaction adds: the weights are computed here, once, and applied as they are by both drivers.
     *
     * @param history    w_k · g_H(t), added to W(u, i)
     * @param popularity w_k · g_P(t), added to P(s, i) and P(i)
     * @param basket     g_P(t), added to β(s) and β when the purchase starts a basket
     * @param purchase   whether it counts as a purchase
     * @param feedback   IMPRESSION or CLICK for feedback on a recommendation, else null
     * @param strategy   the strategy of the list the feedback is about, else null
     * @param kind       what the shopper did (kept with the shopper's recent interactions, for explanations)
     */
    public record Increment(String userId, String item, String text, double history, double popularity,
            double basket, boolean purchase, long eventMillis, Interaction.Kind feedback, Strategy strategy,
            Interaction.Kind kind) {

        /** An impression: feedback only. */
        public boolean impression() {
            return feedback == Interaction.Kind.IMPRESSION;
        }
    }

    private RecommendationUpdate() {
    }

    /** The increments of a batch's interactions, in order; interactions of weight 0 are left out. */
    public static List<Increment> plan(List<Interaction> batch, RecommendationParams params) {
        List<Increment> out = new ArrayList<>(batch.size());
        for (Interaction x : batch) {
            Increment i = of(x, params);
            if (i != null) {
                out.add(i);
            }
        }
        return out;
    }

    /** What one interaction adds; null when it names no item, or its kind weighs 0 and it is not feedback. */
    public static Increment of(Interaction x, RecommendationParams params) {
        if (x.item() == null) {
            return null;
        }
        boolean feedback = (x.kind() == Interaction.Kind.IMPRESSION || x.kind() == Interaction.Kind.CLICK)
                && x.strategy() != null;
        if (x.kind() == Interaction.Kind.IMPRESSION) {
            return feedback ? new Increment(x.userId(), x.item(), x.text(), 0, 0, 0, false, x.eventMillis(),
                    Interaction.Kind.IMPRESSION, x.strategy(), x.kind()) : null;
        }
        double w = params.weight(x.kind());
        if (w <= 0 && !feedback) {
            return null;
        }
        double gp = params.popularityClock().growing(x.eventMillis());
        return new Increment(x.userId(), x.item(), x.text(), w * params.historyClock().growing(x.eventMillis()),
                w * gp, gp, x.kind() == Interaction.Kind.PURCHASE, x.eventMillis(),
                feedback ? Interaction.Kind.CLICK : null, feedback ? x.strategy() : null, x.kind());
    }
}
