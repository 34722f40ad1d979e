package io.shoal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ColdHoldTest {

    /** An event: a name, the shoppers it touches, whether its own slow work is done. */
    private record E(String name, List<String> shoppers, boolean ready) {
    }

    private static E warm(String name, String... shoppers) {
        return new E(name, List.of(shoppers), true);
    }

    private static E cold(String name, String... shoppers) {
        return new E(name, List.of(shoppers), false);
    }

    private static ColdHold.Split<E> split(int max, E... events) {
        return ColdHold.split(List.of(events), E::shoppers, E::ready, max);
    }

    private static List<String> names(List<E> events) {
        return events.stream().map(E::name).toList();
    }

    @Test
    void everythingGoesWhenEverythingIsReady() {
        ColdHold.Split<E> s = split(10, warm("a1", "a"), warm("b1", "b"), warm("a2", "a"));
        assertThat(names(s.now())).containsExactly("a1", "b1", "a2");
        assertThat(s.waiting()).isEmpty();
    }

    @Test
    void aColdEventHoldsItsShoppersLaterEventsAndNobodyElse() {
        ColdHold.Split<E> s = split(10, warm("a1", "a"), cold("b1", "b"), warm("c1", "c"), warm("b2", "b"),
                warm("a2", "a"), cold("c2", "c"), warm("c3", "c"));
        assertThat(names(s.now())).containsExactly("a1", "c1", "a2");
        assertThat(names(s.waiting())).containsExactly("b1", "b2", "c2", "c3");
    }

    @Test
    void anIdentityMergeWaitsBehindEitherShopperAndThenHoldsBoth() {
        ColdHold.Split<E> s = split(10, cold("anon1", "anon"), warm("merge", "known", "anon"), warm("known1", "known"),
                warm("other", "z"));
        assertThat(names(s.now())).containsExactly("other");
        assertThat(names(s.waiting())).containsExactly("anon1", "merge", "known1");
    }

    @Test
    void aWaitingEventGoesOnceReadyWithItsShoppersLaterOnesInOrder() {
        // The first two waited before (b1 is now embedded); then new events.
        ColdHold.Split<E> s = split(10, warm("b1", "b"), warm("b2", "b"), warm("a1", "a"), warm("b3", "b"));
        assertThat(names(s.now())).containsExactly("b1", "b2", "a1", "b3");
        assertThat(s.waiting()).isEmpty();
    }

    @Test
    void pastTheBoundNothingWaitsAndTheLogOrderIsKept() {
        ColdHold.Split<E> s = split(2, cold("a1", "a"), warm("b1", "b"), cold("c1", "c"), warm("a2", "a"));
        assertThat(names(s.now())).containsExactly("a1", "b1", "c1", "a2");
        assertThat(s.waiting()).isEmpty();
        ColdHold.Split<E> off = split(0, cold("a1", "a"), warm("b1", "b"));
        assertThat(names(off.now())).containsExactly("a1", "b1");
        ColdHold.Split<E> atBound = split(2, cold("a1", "a"), warm("b1", "b"), warm("a2", "a"));
        assertThat(names(atBound.waiting())).containsExactly("a1", "a2");
    }

    @Test
    void noShopperIsEverOvertakenAndEveryEventIsPlacedOnce() {
        Random random = new Random(11);
        for (int round = 0; round < 500; round++) {
            List<E> events = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String shopper = "u" + random.nextInt(8);
                events.add(random.nextInt(5) == 0 ? new E("e" + i, List.of(shopper, "u" + random.nextInt(8)),
                        random.nextInt(3) > 0) : new E("e" + i, List.of(shopper), random.nextInt(4) > 0));
            }
            ColdHold.Split<E> s = ColdHold.split(events, E::shoppers, E::ready, 40);
            assertThat(s.now().size() + s.waiting().size()).isEqualTo(events.size());
            // Each part keeps log order, and an event that goes is never later than a waiting one of its shoppers.
            assertThat(s.now()).isSortedAccordingTo((x, y) -> events.indexOf(x) - events.indexOf(y));
            assertThat(s.waiting()).isSortedAccordingTo((x, y) -> events.indexOf(x) - events.indexOf(y));
            Map<String, Integer> firstWaiting = new HashMap<>();
            for (E w : s.waiting()) {
                w.shoppers().forEach(u -> firstWaiting.putIfAbsent(u, events.indexOf(w)));
            }
            for (E now : s.now()) {
                assertThat(now.ready()).isTrue();
                for (String u : now.shoppers()) {
                    assertThat(events.indexOf(now)).isLessThan(firstWaiting.getOrDefault(u, Integer.MAX_VALUE));
                }
            }
        }
    }

    @Test
    void aNegativeBoundIsRefused() {
        assertThatThrownBy(() -> split(-1, warm("a1", "a"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxWaiting must be >= 0 but was -1");
    }
}
