package io.shoal.pipeline;

import io.shoal.event.EventPosition;
import io.shoal.event.BehaviorEvent;
import java.util.List;

/**
 * A group of events handed to the batch stages together.
 *
 * @param sequence  increasing number of the batch within this process (for logs and metrics)
 * @param events    the events, in arrival order; never empty
 * @param positions for events read from Kafka, each event's topic position (same order as {@code events});
 *                  empty on the in-memory path, where nothing is ever redelivered
 */
public record MicroBatch(long sequence, List<BehaviorEvent> events, List<EventPosition> positions) {
    public MicroBatch {
        events = List.copyOf(events);
        positions = List.copyOf(positions);
        if (!positions.isEmpty() && positions.size() != events.size()) {
            throw new IllegalArgumentException("a micro-batch needs one position per event but had " + positions.size()
                    + " positions for " + events.size() + " events");
        }
    }

    /** An in-memory batch: no positions. */
    public MicroBatch(long sequence, List<BehaviorEvent> events) {
        this(sequence, events, List.of());
    }

    public int size() {
        return events.size();
    }

    /** The position of the i-th event, or null on the in-memory path. */
    public EventPosition position(int i) {
        return positions.isEmpty() ? null : positions.get(i);
    }
}
