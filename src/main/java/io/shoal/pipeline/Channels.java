package io.shoal.pipeline;

/** Names of the messaging channels, shared by producers, consumers and configuration. */
public final class Channels {
    /** Accepted behaviour events, from ingestion to the micro-batcher. */
    public static final String BEHAVIOR_EVENTS = "behavior-events";
    /** Segment entered/exited events, from the segmentation stage to downstream consumers. */
    public static final String SEGMENT_CHANGES = "segment-changes";

    private Channels() {
    }
}
