package io.shoal.replay;

/** The replay had to stop: the service kept failing, or an answer made no sense. Exit code 1. */
public final class ReplayFailedException extends RuntimeException {

    public ReplayFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
