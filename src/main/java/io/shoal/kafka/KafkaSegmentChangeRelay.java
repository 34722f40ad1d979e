package io.shoal.kafka;

import io.shoal.event.Channels;
import io.shoal.event.SegmentChangeEvent;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.shoal.query.SegmentChangeBroadcaster;

/**
 * Ingest role: hands the segment changes the workers publish to {@code shoal.segment-changes} to this pod's
 * watchers. Every ingest pod reads the whole topic (its own consumer group, newest records only). A separate
 * channel rather than a Kafka connector on {@value Channels#SEGMENT_CHANGES}, whose in-memory emitter would then
 * be a second upstream of the broadcaster.
 */
@ApplicationScoped
public class KafkaSegmentChangeRelay {

    private final SegmentChangeBroadcaster broadcaster;

    public KafkaSegmentChangeRelay(SegmentChangeBroadcaster broadcaster) {
        this.broadcaster = broadcaster;
    }

    @Incoming(Channels.SEGMENT_CHANGES_IN)
    public void relay(SegmentChangeEvent event) {
        broadcaster.publish(event);
    }
}
