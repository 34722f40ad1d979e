package io.shoal.query;

/** No live segment has this id (answered 404 / NOT_FOUND). */
public class UnknownSegmentException extends RuntimeException {

    public UnknownSegmentException(long segmentId) {
        super("no live segment " + segmentId);
    }
}
