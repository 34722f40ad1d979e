package io.shoal.query;

/** No segment (live, or where said recently retired) has this id (answered 404 / NOT_FOUND). */
public class UnknownSegmentException extends RuntimeException {

    public UnknownSegmentException(long segmentId) {
        super("no live segment " + segmentId);
    }

    /** Neither live nor among the recently retired ones listed by {@code GET /v1/segments?includeRetired=true}. */
    public static UnknownSegmentException notListed(long segmentId) {
        return new UnknownSegmentException("no live or recently retired segment " + segmentId);
    }

    private UnknownSegmentException(String message) {
        super(message);
    }
}
