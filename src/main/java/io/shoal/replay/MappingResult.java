package io.shoal.replay;

/**
 * What a mapper made of one source line: an event, or the reason it was skipped (exactly one is non-null).
 *
 * @param event  the event to send
 * @param skip   why nothing is sent
 * @param detail for a skip, what exactly was wrong (for a malformed line, the field and value)
 */
public record MappingResult(ReplayEvent event, SkipReason skip, String detail) {

    public static MappingResult of(ReplayEvent event) {
        return new MappingResult(event, null, null);
    }

    public static MappingResult skipped(SkipReason reason, String detail) {
        return new MappingResult(null, reason, detail);
    }

    public boolean isSkipped() {
        return skip != null;
    }
}
