package io.shoal.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import com.fasterxml.jackson.databind.JsonNode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.shoal.config.IngestConfig;
import io.shoal.config.RoleConfig;
import io.shoal.config.RoleConfig.Role;
import io.shoal.event.BehaviorEvent;
import io.shoal.event.Channels;
import io.shoal.pipeline.InFlightLimiter;
import io.shoal.kafka.KafkaEventPublisher;
import io.shoal.store.DedupStore;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Accepts validated events: admission control, deduplication in Redis (one round trip per request), then hands
 * the new events on, by role: {@code all} to the in-memory {@value Channels#BEHAVIOR_EVENTS} channel;
 * {@code ingest} to Kafka, answering only when the broker has them (their permits are returned then); a
 * {@code worker} takes no events over HTTP. Never blocks: everything here runs on the event loop or on callbacks.
 */
@ApplicationScoped
public class EventIngestor {

    /** What happened to a request that passed validation of its shape. */
    public sealed interface Outcome {
        /** Valid events were handled (some may have been rejected or duplicates). */
        record Done(IngestResponse response) implements Outcome {
        }

        /** Nothing was accepted because Shoal cannot take more now; try again later. */
        record Saturated(String reason) implements Outcome {
        }
    }

    private final MutinyEmitter<BehaviorEvent> emitter;
    private final KafkaEventPublisher kafka;
    private final Role role;
    private final InFlightLimiter limiter;
    private final DedupStore dedup;
    private final IngestConfig config;
    private final EventValidator validator;
    private final Counter accepted;
    private final Counter rejected;
    private final Counter duplicates;
    private final Counter saturated;
    private volatile boolean accepting = true;

    // The buffer is bounded by the InFlightLimiter: no event enters it without a permit.
    public EventIngestor(@Channel(Channels.BEHAVIOR_EVENTS) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
            MutinyEmitter<BehaviorEvent> emitter, KafkaEventPublisher kafka, RoleConfig roles, InFlightLimiter limiter,
            DedupStore dedup, IngestConfig config, MeterRegistry registry) {
        this.emitter = emitter;
        this.kafka = kafka;
        this.role = roles.role();
        this.limiter = limiter;
        this.dedup = dedup;
        this.config = config;
        this.validator = new EventValidator(config.maxFutureSkew());
        this.accepted = events(registry, "accepted");
        this.rejected = events(registry, "rejected");
        this.duplicates = events(registry, "duplicate");
        this.saturated = Counter.builder("shoal.ingest.requests.saturated")
                .description("Requests answered 503 because the pipeline was full or shutting down")
                .register(registry);
    }

    private static Counter events(MeterRegistry registry, String outcome) {
        return Counter.builder("shoal.ingest.events").tag("outcome", outcome)
                .description("Events received by POST /v1/events, by outcome").register(registry);
    }

    /** Stops accepting before the pipeline drains on shutdown (runs before the drain observer). */
    void stopAccepting(@Observes @Priority(1) ShutdownEvent ignored) {
        accepting = false;
        Log.info("Ingestion closed: new requests get 503 while accepted events drain");
    }

    public boolean accepting() {
        return accepting;
    }

    /**
     * Validates and accepts the elements of a request.
     *
     * @param elements the request's events (a single event is a list of one)
     */
    public Uni<Outcome> ingest(List<JsonNode> elements) {
        Instant now = Instant.now();
        List<BehaviorEvent> valid = new ArrayList<>(elements.size());
        Set<BehaviorEvent> generatedIds = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Rejection> rejections = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            EventValidator.Result r = validator.validate(elements.get(i), i, now);
            if (r.valid()) {
                valid.add(r.event());
                if (r.idGenerated()) {
                    generatedIds.add(r.event());
                }
            } else {
                rejections.addAll(r.rejections());
            }
        }
        int invalidEvents = elements.size() - valid.size();
        if (invalidEvents > 0) {
            rejected.increment(invalidEvents);
        }
        if (valid.isEmpty()) {
            return Uni.createFrom().item(new Outcome.Done(IngestResponse.invalid(rejections)));
        }
        if (!accepting) {
            saturated.increment();
            return Uni.createFrom().item(new Outcome.Saturated("Shoal is shutting down"));
        }
        if (role == Role.WORKER) {
            saturated.increment();
            return Uni.createFrom().item(new Outcome.Saturated("this process is a worker; send events to the ingest service"));
        }

        // Within one request the first event with a given id wins.
        List<BehaviorEvent> unique = new ArrayList<>(valid.size());
        Set<String> ids = new HashSet<>();
        for (BehaviorEvent e : valid) {
            if (ids.add(e.eventId())) {
                unique.add(e);
            }
        }
        int inRequestDuplicates = valid.size() - unique.size();
        if (!limiter.tryAcquire(unique.size())) {
            saturated.increment();
            return Uni.createFrom().item(new Outcome.Saturated("the pipeline is saturated ("
                    + limiter.inFlight() + " of " + limiter.capacity() + " events in flight)"));
        }

        List<BehaviorEvent> toCheck = new ArrayList<>(unique.size());
        List<BehaviorEvent> generated = new ArrayList<>();
        for (BehaviorEvent e : unique) {
            (generatedIds.contains(e) ? generated : toCheck).add(e);
        }
        List<String> checkIds = toCheck.stream().map(BehaviorEvent::eventId).toList();
        return dedup.markSeen(checkIds, config.dedupTtl())
                .onFailure().invoke(f -> limiter.release(unique.size()))
                .chain(fresh -> admit(fresh, toCheck, generated, unique.size(), inRequestDuplicates, rejections))
                .onFailure().recoverWithItem(f -> {
                    saturated.increment();
                    Log.warnf("Deduplication store unavailable, answering 503: %s", f.toString());
                    return new Outcome.Saturated("the deduplication store (Redis) is unavailable");
                });
    }

    private Uni<Outcome> admit(boolean[] fresh, List<BehaviorEvent> checked, List<BehaviorEvent> generated,
            int reserved, int inRequestDuplicates, List<Rejection> rejections) {
        List<BehaviorEvent> admitted = new ArrayList<>(generated);
        for (int i = 0; i < fresh.length; i++) {
            if (fresh[i]) {
                admitted.add(checked.get(i));
            }
        }
        int dups = reserved - admitted.size();
        limiter.release(dups);
        if (role == Role.INGEST) {
            return publish(admitted, dups + inRequestDuplicates, rejections);
        }
        int sent = 0;
        try {
            for (BehaviorEvent e : admitted) {
                emitter.sendAndForget(e);
                sent++;
            }
        } catch (RuntimeException e) {
            // The channel refused: make the unsent events acceptable again when the client retries.
            List<BehaviorEvent> unsent = admitted.subList(sent, admitted.size());
            limiter.release(unsent.size());
            forget(unsent);
            accepted.increment(sent);
            saturated.increment();
            Log.errorf(e, "The %s channel refused events", Channels.BEHAVIOR_EVENTS);
            return Uni.createFrom().item(new Outcome.Saturated("the pipeline refused " + unsent.size() + " events"));
        }
        accepted.increment(sent);
        duplicates.increment(dups + inRequestDuplicates);
        return Uni.createFrom().item(new Outcome.Done(new IngestResponse(sent, dups + inRequestDuplicates, rejections)));
    }

    /** Ingest role: 202 only when the broker has acknowledged every event; the permits return when the sends end. */
    private Uni<Outcome> publish(List<BehaviorEvent> admitted, int dups, List<Rejection> rejections) {
        return kafka.publish(admitted)
                .eventually(() -> limiter.release(admitted.size()))
                .map(ignored -> {
                    accepted.increment(admitted.size());
                    duplicates.increment(dups);
                    return (Outcome) new Outcome.Done(new IngestResponse(admitted.size(), dups, rejections));
                })
                .onFailure().recoverWithItem(f -> {
                    // The ids are forgotten so that the client's retry is accepted: at-least-once. An event that did
                    // reach the broker before the failure is then in the topic twice (rare: the producer retries
                    // for delivery.timeout.ms first); see docs/kafka.md, Delivery guarantees.
                    forget(admitted);
                    saturated.increment();
                    Log.warnf("Kafka did not acknowledge %d events, answering 503: %s", admitted.size(), f.toString());
                    return new Outcome.Saturated("the event log (Kafka) did not acknowledge the events");
                });
    }

    private void forget(List<BehaviorEvent> events) {
        dedup.forget(events.stream().map(BehaviorEvent::eventId).toList()).subscribe().with(
                ok -> {
                }, f -> Log.warnf("Could not forget unsent event ids: %s", f.toString()));
    }
}
