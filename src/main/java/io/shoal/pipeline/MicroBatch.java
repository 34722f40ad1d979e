package io.shoal.pipeline;

import java.util.List;

/**
 * A group of events handed to the batch stages together.
 *
 * @param sequence increasing number of the batch within this process (for logs and metrics)
 * @param events   the events, in arrival order; never empty
 */
public record MicroBatch(long sequence, List<BehaviorEvent> events) {
    public MicroBatch {
        events = List.copyOf(events);
    }

    public int size() {
        return events.size();
    }
}
