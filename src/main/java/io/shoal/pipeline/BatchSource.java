package io.shoal.pipeline;

/**
 * A source of batches outside the in-memory channel (the Kafka consumer of the worker role), which the drain on
 * shutdown stops and waits for; the pipeline knows it only by this interface, so it depends on no transport.
 */
public interface BatchSource {

    /** Stops taking new batches; the running one goes on. */
    void close();

    /** Whether a batch is being processed. */
    boolean busy();
}
