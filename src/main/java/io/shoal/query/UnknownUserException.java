package io.shoal.query;

/** No segment is known for the user (never seen, or not assigned yet): NOT_FOUND over gRPC, 404 over REST. */
public class UnknownUserException extends RuntimeException {

    private final String userId;

    public UnknownUserException(String userId) {
        super("no segment is known for user '" + userId + "'");
        this.userId = userId;
    }

    public String userId() {
        return userId;
    }
}
