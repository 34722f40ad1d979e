package io.shoal.pipeline;

import io.smallrye.mutiny.Uni;

/**
 * A step applied to every micro-batch (activity counters, embedding + segmentation, ...).
 * <p>
 * Stages are CDI beans; the pipeline runs them one after the other in ascending {@link #order()}. The returned
 * {@code Uni} completes when the batch's effects are durable; a failure makes the pipeline retry the batch, so a
 * stage must be idempotent for a batch it has already applied (event-id deduplication makes that possible).
 */
public interface BatchStage {

    /** Position of this stage in the chain; lower runs first. */
    int order();

    /** Short name for logs and metrics. */
    String name();

    Uni<Void> process(MicroBatch batch);
}
