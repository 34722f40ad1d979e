package io.shoal.replay;

/** The command line is wrong; the message names the option and what was given. Exit code 64. */
public final class ReplayUsageException extends RuntimeException {

    public ReplayUsageException(String message) {
        super(message);
    }
}
