package io.shoal.pipeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import io.shoal.event.BehaviorEvent;

/**
 * Which events of the log can be applied now and which wait for slow work of their own (a text the model has not
 * embedded yet), so that one shopper's cold text never holds back other shoppers' events.
 *
 * <h2>Rule ({@link #split})</h2>
 * Walk the waiting events and the new ones in log order. An event waits when it is not ready itself, or when one of
 * its shoppers (the user, and for an identity merge also the shopper merged away) has an earlier event that waits;
 * it then makes its shoppers wait too. Every other event goes now. So each shopper's events are applied in log order
 * (an event never overtakes an earlier one of a shopper it touches), while shoppers without a cold event go on at
 * once.
 *
 * <h2>Bound</h2>
 * When more than {@code maxWaiting} events would wait, nothing waits: everything goes now, and the batch waits for
 * the slow work as a whole (the behaviour without this rule). So memory stays bounded and the log's order is kept
 * under any load. {@code maxWaiting} = 0 turns the rule off.
 */
public final class ColdHold {

    /**
     * @param now     events to apply in this batch, in log order
     * @param waiting events left to wait, in log order
     */
    public record Split<T>(List<T> now, List<T> waiting) {
    }

    private ColdHold() {
    }

    /** The shoppers whose order an event must keep: the user, and for an identity merge the one merged away. */
    public static List<String> shoppers(BehaviorEvent event) {
        return event.previousId() == null || event.previousId().equals(event.userId()) ? List.of(event.userId())
                : List.of(event.userId(), event.previousId());
    }

    /**
     * @param inLogOrder the events that waited before, then the new ones, in log order
     * @param shoppers   the shoppers an event touches
     * @param ready      whether an event's own slow work is done
     * @param maxWaiting most events left waiting; ≥ 0
     */
    public static <T> Split<T> split(List<T> inLogOrder, Function<T, Collection<String>> shoppers, Predicate<T> ready,
            int maxWaiting) {
        if (maxWaiting < 0) {
            throw new IllegalArgumentException("maxWaiting must be >= 0 but was " + maxWaiting);
        }
        List<T> now = new ArrayList<>(inLogOrder.size());
        List<T> waiting = new ArrayList<>();
        Set<String> blocked = new HashSet<>();
        for (T event : inLogOrder) {
            Collection<String> touched = shoppers.apply(event);
            boolean behind = false;
            for (String shopper : touched) {
                behind |= blocked.contains(shopper);
            }
            if (behind || !ready.test(event)) {
                waiting.add(event);
                blocked.addAll(touched);
            } else {
                now.add(event);
            }
        }
        if (waiting.size() > maxWaiting) {
            return new Split<>(List.copyOf(inLogOrder), List.of());
        }
        return new Split<>(now, waiting);
    }
}
