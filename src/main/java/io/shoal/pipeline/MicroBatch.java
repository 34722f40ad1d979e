package io.shoal.pipeline;

import io.shoal.event.EventPosition;
import io.shoal.event.BehaviorEvent;
import java.util.List;

/**
 * A group of events handed to the batch stages together.
 *
 * @param sequence  increasing number of the batch within this process (for logs and metrics)
 * @param events    the events, in arrival order; never empty
 * @param positions each event's position in its log (same order as {@code events}): the Kafka topic's, or the
 *                  embedded event log's; what makes a redelivered event a no-op (see EventPosition)
 */
public record MicroBatch(long sequence, List<BehaviorEvent> events, List<EventPosition> positions) {
    public MicroBatch {
        events = List.copyOf(events);
        positions = List.copyOf(positions);
        if (positions.size() != events.size()) {
            throw new IllegalArgumentException("a micro-batch needs one position per event but had " + positions.size()
                    + " positions for " + events.size() + " events");
        }
    }

    public int size() {
        return events.size();
    }

    /** The position of the i-th event. */
    public EventPosition position(int i) {
        return positions.get(i);
    }
}
