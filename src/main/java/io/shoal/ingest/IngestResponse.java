package io.shoal.ingest;

import java.util.List;

/**
 * The answer to an ingestion request.
 *
 * @param accepted   events handed to the pipeline
 * @param duplicates valid events whose eventId was already seen within the deduplication TTL
 * @param rejected   invalid events, one entry per invalid field
 */
public record IngestResponse(int accepted, int duplicates, List<Rejection> rejected) {

    static IngestResponse invalid(List<Rejection> rejected) {
        return new IngestResponse(0, 0, rejected);
    }
}
