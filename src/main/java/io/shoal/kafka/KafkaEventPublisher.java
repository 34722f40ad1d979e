package io.shoal.kafka;

import io.shoal.event.Channels;
import io.shoal.event.BehaviorEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import org.apache.kafka.common.header.internals.RecordHeaders;

import io.shoal.tracing.Tracing;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Ingest role: publishes accepted events to {@code shoal.behavior-events}, keyed by user id so that one user's
 * events stay in order on one partition. The returned {@code Uni} completes when the broker has acknowledged every
 * event ({@code acks=all}), so an HTTP 202 means "Kafka has it".
 */
@ApplicationScoped
public class KafkaEventPublisher {

    private final MutinyEmitter<BehaviorEvent> emitter;

    // The buffer is bounded by the InFlightLimiter: ingestion holds a permit per event until its send completes.
    public KafkaEventPublisher(@Channel(Channels.BEHAVIOR_EVENTS_OUT) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
            MutinyEmitter<BehaviorEvent> emitter) {
        this.emitter = emitter;
    }

    /**
     * Sends the events and completes when all are acknowledged; fails when any send failed.
     *
     * @param traceparent the request's W3C trace context, sent as the record header {@code traceparent} so that the
     *                    worker's batch links to it; null when tracing is off
     */
    public Uni<Void> publish(List<BehaviorEvent> events, String traceparent) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> sends = new ArrayList<>(events.size());
        for (BehaviorEvent e : events) {
            OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> meta = OutgoingKafkaRecordMetadata
                    .<String> builder().withKey(e.orderingKey());
            if (traceparent != null) {
                meta.withHeaders(new RecordHeaders().add(Tracing.TRACEPARENT, traceparent.getBytes(StandardCharsets.US_ASCII)));
            }
            OutgoingKafkaRecordMetadata<String> key = meta.build();
            sends.add(emitter.sendMessage(Message.of(e).addMetadata(key)));
        }
        return Uni.join().all(sends).andCollectFailures().replaceWithVoid();
    }
}
