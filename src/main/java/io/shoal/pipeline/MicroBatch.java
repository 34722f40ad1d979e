package io.shoal.pipeline;

import io.opentelemetry.context.Context;
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
 * @param origins   the W3C {@code traceparent}s of the requests that brought the events, each once (empty when
 *                  tracing is off): the batch's span links to them (see io.shoal.tracing.Tracing)
 * @param trace     the context of the batch's span, the parent of the stages' spans (root until the
 *                  {@link BatchProcessor} starts it)
 */
public record MicroBatch(long sequence, List<BehaviorEvent> events, List<EventPosition> positions,
        List<String> origins, Context trace) {
    public MicroBatch {
        events = List.copyOf(events);
        positions = List.copyOf(positions);
        origins = List.copyOf(origins);
        if (trace == null) {
            trace = Context.root();
        }
        if (positions.size() != events.size()) {
            throw new IllegalArgumentException("a micro-batch needs one position per event but had " + positions.size()
                    + " positions for " + events.size() + " events");
        }
    }

    public MicroBatch(long sequence, List<BehaviorEvent> events, List<EventPosition> positions) {
        this(sequence, events, positions, List.of(), null);
    }

    public MicroBatch(long sequence, List<BehaviorEvent> events, List<EventPosition> positions, List<String> origins) {
        this(sequence, events, positions, origins, null);
    }

    /** This batch with its span's context. */
    public MicroBatch traced(Context context) {
        return new MicroBatch(sequence, events, positions, origins, context);
    }

    public int size() {
        return events.size();
    }

    /** The position of the i-th event. */
    public EventPosition position(int i) {
        return positions.get(i);
    }
}
