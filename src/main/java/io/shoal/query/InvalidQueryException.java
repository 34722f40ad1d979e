package io.shoal.query;

/** A query parameter that is missing or out of range: INVALID_ARGUMENT over gRPC, 400 over REST. */
public class InvalidQueryException extends RuntimeException {

    private final String parameter;

    public InvalidQueryException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    /** The request parameter at fault, as the API names it. */
    public String parameter() {
        return parameter;
    }
}
