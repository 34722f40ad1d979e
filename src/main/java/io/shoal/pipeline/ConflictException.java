package io.shoal.pipeline;

/**
 * A stage lost a race, not a fault: what it planned on changed before it could write (another worker moved a
 * position, a swap changed the model's generation, a sweep moved a shopper). The batch is planned again at once;
 * such a failure never counts towards isolating poison.
 */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message, null, false, false);
    }
}
