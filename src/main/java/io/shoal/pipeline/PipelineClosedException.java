package io.shoal.pipeline;

/**
 * The pipeline is shutting down while a batch still waits (on a dependency that is down): the batch is left
 * unacknowledged in its log, to be applied by the next start or the partition's next owner. Never a loss.
 */
public class PipelineClosedException extends RuntimeException {

    public PipelineClosedException(String message) {
        super(message, null, false, false);
    }
}
