package io.shoal.kafka;

import io.shoal.event.EventPosition;
import io.shoal.pipeline.BatchSource;
import io.shoal.pipeline.BatchProcessor;
import io.shoal.pipeline.PipelineClosedException;
import io.shoal.pipeline.BatchColdHold;
import io.shoal.pipeline.ColdWaitMeters;
import io.shoal.pipeline.EventReadiness;
import io.shoal.config.PipelineConfig;
import io.shoal.event.Channels;
import io.shoal.event.BehaviorEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.shoal.tracing.Tracing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Worker role: reads {@code shoal.behavior-events} in batches (one poll, at most {@code max.poll.records}) and runs
 * each as one {@link MicroBatch} through the {@link BatchProcessor}. The batch is acknowledged only after the
 * stages' {@code Uni} has completed, that is after its Redis and PostgreSQL effects are durable, and the connector
 * commits acknowledged offsets periodically (commit strategy {@code throttled}): at-least-once delivery.
 * Redelivered events are recognised by their position (see {@link EventPosition}), so they change nothing.
 * <p>
 * Events with never-seen texts wait beside the topic while other shoppers' events go on ({@link BatchColdHold}): a
 * batch is then acknowledged when the last of its events has been applied, after later ones if need be, and the
 * throttled commit strategy commits no offset past it until then.
 * <p>
 * A record whose value is not a readable event (a poison record) is sent to {@code shoal.behavior-events.dlq},
 * counted in {@code shoal_kafka_dead_letters_total} and skipped; the batch waits for that send before it is
 * acknowledged. A readable event that cannot be applied is isolated by the {@link BatchProcessor} (split, dead_letter
 * table) and the rest of the batch applied; while Redis or PostgreSQL is down the batch waits. Only when the worker
 * shuts down during such a wait is the batch left unacknowledged, for the partition's next owner.
 */
@ApplicationScoped
public class KafkaBatchConsumer implements BatchSource {

    private final ObjectMapper json;
    private final MutinyEmitter<byte[]> deadLetters;
    private final Counter deadLettered;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();
    private final BatchColdHold hold;
    private volatile boolean closing;

    public KafkaBatchConsumer(BatchProcessor processor, ObjectMapper json,
            @Channel(Channels.BEHAVIOR_EVENTS_DLQ) MutinyEmitter<byte[]> deadLetters, MeterRegistry registry,
            EventReadiness readiness, PipelineConfig config, ColdWaitMeters coldWaits, Vertx vertx) {
        this.json = json;
        this.deadLetters = deadLetters;
        this.deadLettered = Counter.builder("shoal.kafka.dead.letters")
                .description("Records of shoal.behavior-events that could not be read, sent to the dead-letter topic")
                .register(registry);
        this.hold = new BatchColdHold(processor::process, readiness, config.maxColdWaiting(),
                task -> vertx.getOrCreateContext().runOnContext(ignored -> task.run()), sequence::incrementAndGet,
                coldWaits::waited);
        coldWaits.register(hold::waiting);
    }

    @Incoming(Channels.BEHAVIOR_EVENTS_IN)
    public Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        if (closing) {
            // Shutting down: leave the batch unacknowledged, so its offsets are not committed and the partition's
            // next owner reads it again.
            return Uni.createFrom().voidItem();
        }
        running.incrementAndGet();
        return process(batch).eventually(running::decrementAndGet);
    }

    /** On shutdown: start no new batch (see {@link PipelineDrainer}). */
    @Override
    public void close() {
        closing = true;
        hold.close();
    }

    /** Whether a batch is being processed now, or events wait for their texts. */
    @Override
    public boolean busy() {
        return running.get() > 0 || hold.busy();
    }

    private Uni<Void> process(KafkaRecordBatch<String, byte[]> batch) {
        List<BatchColdHold.Arrival> arrivals = new ArrayList<>(batch.getRecords().size());
        List<Uni<Void>> poison = new ArrayList<>();
        for (KafkaRecord<String, byte[]> r : batch.getRecords()) {
            Header trace = r.getHeaders().lastHeader(Tracing.TRACEPARENT);
            BehaviorEvent event = read(r);
            if (event == null) {
                poison.add(deadLetter(r));
            } else {
                arrivals.add(new BatchColdHold.Arrival(event, new EventPosition(r.getPartition(), offset(r)),
                        trace == null || trace.value() == null ? null
                                : new String(trace.value(), StandardCharsets.US_ASCII)));
            }
        }
        Uni<Void> dead = poison.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(poison).andFailFast()
                .replaceWithVoid();
        BatchColdHold.Ticket ticket = new BatchColdHold.Ticket() {
            @Override
            public CompletionStage<Void> ack() {
                return batch.ack();
            }

            @Override
            public CompletionStage<Void> fail(Throwable failure) {
                if (failure instanceof PipelineClosedException) {
                    // Not acknowledged, not nacked: the offsets stay uncommitted and the next owner reads the batch.
                    Log.infof("Kafka batch left unacknowledged on shutdown: %s", failure.getMessage());
                    return CompletableFuture.completedFuture(null);
                }
                return batch.nack(failure);
            }
        };
        // The dead letters are sent first; the batch is acknowledged when the last of its events is applied, which
        // for events waiting for their texts may be after later batches.
        return dead.onFailure().call(f -> Uni.createFrom().completionStage(() -> ticket.fail(f)))
                .chain(() -> hold.offer(arrivals, ticket))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private BehaviorEvent read(KafkaRecord<String, byte[]> r) {
        byte[] value = r.getPayload();
        if (value == null) {
            return null;
        }
        try {
            BehaviorEvent e = json.readValue(value, BehaviorEvent.class);
            if (e.eventId() == null || e.userId() == null || e.type() == null || e.occurredAt() == null) {
                Log.warnf("Record %s-%d@%d lacks eventId, userId, type or occurredAt", r.getTopic(), r.getPartition(),
                        offset(r));
                return null;
            }
            return e;
        } catch (IOException e) {
            Log.warnf("Record %s-%d@%d is not an event: %s", r.getTopic(), r.getPartition(), offset(r),
                    e.getMessage());
            return null;
        }
    }

    private static long offset(KafkaRecord<String, byte[]> r) {
        return r.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset)
                .orElseThrow(() -> new IllegalStateException("a record from Kafka without its offset"));
    }

    private Uni<Void> deadLetter(KafkaRecord<String, byte[]> r) {
        deadLettered.increment();
        OutgoingKafkaRecordMetadata<String> meta = OutgoingKafkaRecordMetadata.<String> builder()
                .withKey(r.getKey()).withHeaders(r.getHeaders()).build();
        return deadLetters.sendMessage(Message.of(r.getPayload() == null ? new byte[0] : r.getPayload()).addMetadata(meta));
    }
}
