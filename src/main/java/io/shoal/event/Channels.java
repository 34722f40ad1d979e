package io.shoal.event;

/** Names of the messaging channels, shared by producers, consumers and configuration. */
public final class Channels {
    /** Segment entered/exited events, from the segmentation stage to downstream consumers. */
    public static final String SEGMENT_CHANGES = "segment-changes";
    /** Ingest role: accepted events to the Kafka topic {@code shoal.behavior-events} (off in the other roles). */
    public static final String BEHAVIOR_EVENTS_OUT = "behavior-events-out";
    /** Worker role: the Kafka topic {@code shoal.behavior-events}, in batches (off in the other roles). */
    public static final String BEHAVIOR_EVENTS_IN = "behavior-events-in";
    /** Ingest role: the Kafka topic {@code shoal.segment-changes}, for this pod's watchers (off in the other roles). */
    public static final String SEGMENT_CHANGES_IN = "segment-changes-in";
    /** Worker role: records that could not be read, to {@code shoal.behavior-events.dlq}. */
    public static final String BEHAVIOR_EVENTS_DLQ = "behavior-events-dlq";

    private Channels() {
    }
}
