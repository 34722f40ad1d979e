package io.shoal.segmentation;

import static io.shoal.segmentation.SyntheticGroups.unit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ProfileUpdaterTest {

    private static final long HOUR = 3_600_000L;
    private final ProfileUpdater updater = new ProfileUpdater(HOUR);

    @Test
    void firstPositiveEventIsTheProfile() {
        UserProfile p = updater.apply(null, new float[] {3, 4}, 2, 1000);

        assertThat(p.vector()).containsExactly(new float[] {0.6f, 0.8f}, within(1e-7f));
        assertThat(p.weight()).isEqualTo(2);
        assertThat(p.lastEventMillis()).isEqualTo(1000);
    }

    @Test
    void firstNegativeOrZeroEventGivesNoProfile() {
        assertThat(updater.apply(null, unit(1, 0), -1, 0)).isNull();
        assertThat(updater.apply(null, unit(1, 0), 0, 0)).isNull();
    }

    @Test
    void oneHalfLifeHalvesTheOldWeightExactly() {
        UserProfile p = new UserProfile(unit(1, 0), 4, 0);

        UserProfile q = updater.apply(p, unit(0, 1), 2, HOUR);

        // g = 2^-1 = 0.5: g·w·p + v·e = (2, 0) + (0, 2) -> (1, 1)/√2, w' = 2 + 2.
        assertThat(updater.discount(HOUR)).isEqualTo(0.5);
        assertThat(updater.discount(2 * HOUR)).isEqualTo(0.25);
        assertThat(q.weight()).isEqualTo(4.0);
        assertThat(q.vector()).containsExactly(new float[] {0.70710677f, 0.70710677f}, within(1e-7f));
        assertThat(q.lastEventMillis()).isEqualTo(HOUR);
    }

    @Test
    void sameTimeEventsAreAPlainWeightedMean() {
        UserProfile p = updater.apply(null, unit(1, 0), 1, 0);
        p = updater.apply(p, unit(0, 1), 3, 0);

        // (1, 0)·1 + (0, 1)·3 = (1, 3) -> (1, 3)/√10
        assertThat(p.weight()).isEqualTo(4);
        assertThat(p.vector()).containsExactly(unit(1, 3), within(1e-7f));
    }

    @Test
    void outOfOrderEventIsNotUndecayedAndKeepsTheNewestTime() {
        UserProfile p = new UserProfile(unit(1, 0), 1, 10 * HOUR);

        UserProfile q = updater.apply(p, unit(0, 1), 1, 9 * HOUR);

        // Δt = -1h counts as 0: g = 1, not 2.
        assertThat(q.weight()).isEqualTo(2);
        assertThat(q.vector()).containsExactly(unit(1, 1), within(1e-7f));
        assertThat(q.lastEventMillis()).isEqualTo(10 * HOUR);
    }

    @Test
    void negativeEventSubtractsAndMovesAwayFromTheEvent() {
        UserProfile p = new UserProfile(unit(1, 1), 3, 0);

        UserProfile q = updater.apply(p, unit(0, 1), -1, 0);

        // 3·(1, 1)/√2 - (0, 1) = (2.1213, 1.1213); w' = 2
        assertThat(q.weight()).isEqualTo(2);
        assertThat(q.vector()).containsExactly(unit(3 / Math.sqrt(2), 3 / Math.sqrt(2) - 1), within(1e-6f));
        assertThat(Vectors.dot(q.vector(), unit(0, 1))).isLessThan(Vectors.dot(p.vector(), unit(0, 1)));
    }

    @Test
    void negativeEventThatWouldFlipTheProfileKeepsTheDirectionAndFloorsTheWeight() {
        UserProfile p = new UserProfile(unit(1, 0), 1, 0);

        UserProfile q = updater.apply(p, unit(1, 0), -5, 0);

        assertThat(q.vector()).containsExactly(p.vector());
        assertThat(q.weight()).isEqualTo(ProfileUpdater.DEFAULT_MIN_WEIGHT);
    }

    @Test
    void negativeEventDownToTheFloorKeepsTheDirection() {
        UserProfile p = new UserProfile(unit(1, 0), 1, 0);

        UserProfile q = updater.apply(p, unit(0, 1), -1, 0);

        // w' = 0 ≤ floor: degenerate, so the direction stays (1, 0) rather than (1, -1)/√2.
        assertThat(q.vector()).containsExactly(p.vector());
        assertThat(q.weight()).isEqualTo(ProfileUpdater.DEFAULT_MIN_WEIGHT);
    }

    @Test
    void validatesItsInputs() {
        assertThatThrownBy(() -> new ProfileUpdater(-3))
                .hasMessage("halfLifeMillis must be > 0 but was -3");
        assertThatThrownBy(() -> new ProfileUpdater(1, 0))
                .hasMessage("minWeight must be finite and > 0 but was 0.0");
        UserProfile p = new UserProfile(unit(1, 0), 1, 0);
        assertThatThrownBy(() -> updater.apply(p, unit(1, 0, 0), 1, 0))
                .hasMessage("event vector must have dimension 2 but had 3");
        assertThatThrownBy(() -> updater.apply(p, new float[] {0, 0}, 1, 0))
                .hasMessage("event vector must not be the zero vector");
        assertThatThrownBy(() -> updater.apply(p, unit(1, 0), Double.NaN, 0))
                .hasMessage("eventWeight must be finite but was NaN");
        assertThatThrownBy(() -> new UserProfile(unit(1, 0), 0, 0))
                .hasMessage("weight must be finite and > 0 but was 0.0");
    }

    @Test
    void profileIsImmutable() {
        float[] v = unit(1, 0);
        UserProfile p = new UserProfile(v, 1, 0);
        v[0] = 42;
        p.vector()[0] = 42;

        assertThat(p.vector()[0]).isEqualTo(1f);
    }
}
