package io.shoal.kafka;

import io.shoal.event.SegmentChangeEvent;
import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Reads {@link SegmentChangeEvent}s from {@code shoal.segment-changes} (ingest role, for the watchers there). */
@RegisterForReflection
public class SegmentChangeDeserializer extends ObjectMapperDeserializer<SegmentChangeEvent> {

    public SegmentChangeDeserializer() {
        super(SegmentChangeEvent.class);
    }
}
