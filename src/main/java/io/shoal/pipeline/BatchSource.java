package io.shoal.pipeline;

/**
 * A source of batches (the event log consumer of the role all, the Kafka consumer of the worker role), which the
 * drain on shutdown stops and waits for; the pipeline knows the Kafka one only by this interface, so it depends on
 * no transport.
 */
public interface BatchSource {

    /** Stops taking new batches; the running one goes on. */
    void close();

    /** Shutting down: stop waiting for a batch to fill, apply what has arrived now. */
    default void flush() {
    }

    /** Whether the drain should wait for the accepted backlog to be applied by this process. */
    default boolean drainsBacklog() {
        return true;
    }

    /** Whether a batch is being processed. */
    boolean busy();
}
