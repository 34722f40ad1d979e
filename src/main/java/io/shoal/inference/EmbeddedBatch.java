package io.shoal.inference;

import java.util.List;

/**
 * A micro-batch after embedding.
 *
 * @param sequence  the micro-batch's sequence number
 * @param modelId   the model that made the vectors (vectors of different models are not comparable)
 * @param dimension the length of every vector
 * @param events    the events in the batch's order, each with its vector or null
 */
public record EmbeddedBatch(long sequence, String modelId, int dimension, List<EmbeddedEvent> events) {

    public EmbeddedBatch {
        events = List.copyOf(events);
    }
}
