package io.shoal.replay;

import java.net.URI;

/** Nothing answers at the service URL (connection refused, unknown host). Exit code 2. */
public final class ServiceUnreachableException extends RuntimeException {

    public ServiceUnreachableException(URI endpoint, Throwable cause) {
        super("cannot connect to the Shoal service at " + endpoint + " (" + describe(cause)
                + "): start it with ./shoal serve, or pass --url", cause);
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? "connection refused" : message;
    }
}
