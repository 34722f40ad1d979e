package io.shoal.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.shoal.config.IngestConfig;
import io.shoal.security.Pseudonyms;
import io.shoal.config.RoleConfig;
import io.shoal.config.RoleConfig.Role;
import io.shoal.event.BehaviorEvent;
import io.shoal.pipeline.Dependencies;
import io.shoal.pipeline.InFlightLimiter;
import io.shoal.kafka.KafkaEventPublisher;
import io.shoal.store.DedupStore;
import io.shoal.store.EventLog;
import io.shoal.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

/**
 * Accepts validated events: admission control and deduplication in Redis, then makes the new events durable before
 * answering 202, by role: {@code all} appends them to the {@link EventLog} (a Redis Stream) in the same script as
 * their dedup marks and the admission check; {@code ingest} marks them seen and sends them to Kafka, answering only
 * when the broker has them (their permits are returned then); a {@code worker} takes no events over HTTP. Never
 * blocks: everything here runs on the event loop or on callbacks.
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

    /**
     * Why a request was answered 503: the {@code reason} tag of {@code shoal_ingest_requests_saturated_total}, so
     * that an operator tells overload (backlog-full) from an outage (dependency-down, redis-unavailable, publish-*).
     */
    enum Refusal {
        SHUTTING_DOWN("shutting-down"), DEPENDENCY_DOWN("dependency-down"), WORKER_ROLE("worker-role"),
        BACKLOG_FULL("backlog-full"), REDIS_UNAVAILABLE("redis-unavailable"), PUBLISH_PENDING("publish-pending"),
        PUBLISH_TIMEOUT("publish-timeout"), PUBLISH_FAILED("publish-failed");

        final String tag;

        Refusal(String tag) {
            this.tag = tag;
        }
    }

    private final EventLog log;
    private final ObjectMapper json;
    private final KafkaEventPublisher kafka;
    private final Role role;
    private final InFlightLimiter limiter;
    private final Dependencies dependencies;
    private final DedupStore dedup;
    private final IngestConfig config;
    private final EventValidator validator;
    private final EventValidator trackingValidator;
    private final Tracing tracing;
    private final Counter accepted;
    private final Counter rejected;
    private final Counter duplicates;
    private final Map<Refusal, Counter> saturated = new EnumMap<>(Refusal.class);
    private volatile boolean accepting = true;
    private final Pseudonyms pseudonyms;

    public EventIngestor(EventLog log, ObjectMapper json, KafkaEventPublisher kafka, RoleConfig roles,
            InFlightLimiter limiter, Dependencies dependencies, DedupStore dedup, IngestConfig config,
            Tracing tracing, Pseudonyms pseudonyms, MeterRegistry registry) {
        this.tracing = tracing;
        this.pseudonyms = pseudonyms;
        this.dependencies = dependencies;
        this.log = log;
        this.json = json;
        this.kafka = kafka;
        this.role = roles.role();
        this.limiter = limiter;
        this.dedup = dedup;
        this.config = config;
        this.validator = new EventValidator(config.maxFutureSkew(), config.earliestOccurredAt());
        this.trackingValidator = new EventValidator(config.maxFutureSkew(), config.earliestOccurredAt(), true);
        this.accepted = events(registry, "accepted");
        this.rejected = events(registry, "rejected");
        this.duplicates = events(registry, "duplicate");
        for (Refusal r : Refusal.values()) {
            saturated.put(r, Counter.builder("shoal.ingest.requests.saturated").tag("reason", r.tag)
                    .description("Requests answered 503 (nothing accepted, Retry-After), by reason").register(registry));
        }
    }

    private Outcome.Saturated refuse(Refusal why, String message) {
        saturated.get(why).increment();
        return new Outcome.Saturated(message);
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
        return ingest(elements, validator, true);
    }

    /**
     * As {@link #ingest(List)}, for events whose anonymous shoppers carry the reserved
     * {@link EventValidator#ANONYMOUS_PREFIX}: those the Segment-compatible endpoints mapped, and dead letters
     * handed back (Shoal accepted them once).
     */
    public Uni<Outcome> ingestWithAnonymousIds(List<JsonNode> elements) {
        return ingest(elements, trackingValidator, true);
    }

    /** As {@link #ingestWithAnonymousIds(List)}, for events Shoal stored before (dead letters): ids already stored. */
    public Uni<Outcome> reingestStored(List<JsonNode> elements) {
        return ingest(elements, trackingValidator, false);
    }

    /**
     * @param fromClient whether the ids are a client's (pseudonymised here, the edge, when that is on) or already
     *                   in stored form
     */
    private Uni<Outcome> ingest(List<JsonNode> elements, EventValidator validator, boolean fromClient) {
        Context request = Context.current();
        Span validation = tracing.start(Tracing.VALIDATE, request).setAttribute("shoal.events", elements.size());
        Instant now = Instant.now();
        List<BehaviorEvent> valid = new ArrayList<>(elements.size());
        Set<BehaviorEvent> generatedIds = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Rejection> rejections = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            EventValidator.Result r = validator.validate(elements.get(i), i, now);
            if (r.valid()) {
                BehaviorEvent event = fromClient ? pseudonyms.stored(r.event()) : r.event();
                valid.add(event);
                if (r.idGenerated()) {
                    generatedIds.add(event);
                }
            } else {
                rejections.addAll(r.rejections());
            }
        }
        int invalidEvents = elements.size() - valid.size();
        validation.setAttribute("shoal.events.rejected", invalidEvents).end();
        if (invalidEvents > 0) {
            rejected.increment(invalidEvents);
        }
        if (valid.isEmpty()) {
            return Uni.createFrom().item(new Outcome.Done(IngestResponse.invalid(rejections)));
        }
        if (!accepting) {
            return Uni.createFrom().item(refuse(Refusal.SHUTTING_DOWN, "Shoal is shutting down"));
        }
        List<String> down = dependencies.unavailable();
        if (!down.isEmpty()) {
            return Uni.createFrom().item(refuse(Refusal.DEPENDENCY_DOWN, "the pipeline is waiting for "
                    + String.join(" and ", down) + " to come back"));
        }
        if (role == Role.WORKER) {
            return Uni.createFrom().item(refuse(Refusal.WORKER_ROLE,
                    "this process is a worker; send events to the ingest service"));
        }

        // Within one request the first event with a given id wins (ids are unique per shopper). Keyed by one string:
        // a record of two sequential ids hashes into few buckets (31·h(user) + h(event) moves in steps of 32).
        List<BehaviorEvent> unique = new ArrayList<>(valid.size());
        Set<String> ids = new HashSet<>(2 * valid.size());
        for (BehaviorEvent e : valid) {
            if (ids.add(e.eventId() + '\u0000' + e.userId())) {
                unique.add(e);
            }
        }
        int inRequestDuplicates = valid.size() - unique.size();
        if (role == Role.ALL) {
            return appendToLog(unique, generatedIds, inRequestDuplicates, rejections, request);
        }
        if (!limiter.tryAcquire(unique.size())) {
            return Uni.createFrom().item(refuse(Refusal.BACKLOG_FULL, "the pipeline is saturated ("
                    + limiter.inFlight() + " of " + limiter.capacity() + " events in flight)"));
        }

        List<BehaviorEvent> toCheck = new ArrayList<>(unique.size());
        List<BehaviorEvent> generated = new ArrayList<>();
        for (BehaviorEvent e : unique) {
            (generatedIds.contains(e) ? generated : toCheck).add(e);
        }
        List<DedupStore.EventKey> checkIds = toCheck.stream().map(EventIngestor::key).toList();
        Span marking = tracing.start(Tracing.DEDUP, request).setAttribute("shoal.events", checkIds.size());
        return Tracing.ending(marking, dedup.markPending(checkIds, config.kafkaPendingTtl()))
                .onFailure().invoke(f -> limiter.release(unique.size()))
                .chain(seen -> {
                    List<BehaviorEvent> admitted = new ArrayList<>(generated);
                    List<DedupStore.EventKey> marked = new ArrayList<>();
                    int confirmed = 0;
                    int pending = 0;
                    for (int i = 0; i < seen.length; i++) {
                        switch (seen[i]) {
                            case NEW -> {
                                admitted.add(toCheck.get(i));
                                marked.add(checkIds.get(i));
                            }
                            case CONFIRMED -> confirmed++;
                            case PENDING -> pending++;
                        }
                    }
                    limiter.release(unique.size() - admitted.size());
                    return publish(admitted, marked, confirmed + inRequestDuplicates, pending, rejections, request);
                })
                .onFailure().recoverWithItem(EventIngestor.this::dedupUnavailable);
    }

    /**
     * Role {@code all}: the events and their dedup marks go into the durable event log in one Redis script, which
     * also applies admission (the log's backlog against {@code max-in-flight}); 202 only after it answered.
     */
    private Uni<Outcome> appendToLog(List<BehaviorEvent> unique, Set<BehaviorEvent> generatedIds,
            int inRequestDuplicates, List<Rejection> rejections, Context request) {
        List<EventLog.Append> appends = new ArrayList<>(unique.size());
        for (BehaviorEvent e : unique) {
            try {
                appends.add(new EventLog.Append(e.userId(), e.eventId(), !generatedIds.contains(e),
                        json.writeValueAsString(e)));
            } catch (JsonProcessingException x) {
                throw new IllegalStateException("an accepted event could not be written as JSON", x);
            }
        }
        Span accept = tracing.start(Tracing.ACCEPT, request).setAttribute("shoal.events", appends.size());
        Uni<EventLog.Appended> append = log.append(appends, config.dedupTtl(), limiter.capacity(),
                limiter.byteCapacity(), Tracing.traceparent(accept)).invoke(appended -> accept.setAttribute(
                        "shoal.backlog", appended.backlog()).setAttribute("shoal.admitted", appended.admitted()));
        return Tracing.ending(accept, append).map(appended -> {
            limiter.observeBacklog(appended.backlog());
            limiter.observeBacklogBytes(appended.bytes());
            if (!appended.admitted()) {
                return (Outcome) refuse(Refusal.BACKLOG_FULL, "bytes".equals(appended.full())
                        ? "the pipeline is saturated (" + appended.bytes() + " of " + limiter.byteCapacity()
                                + " bytes of events in flight)"
                        : "the pipeline is saturated (" + appended.backlog() + " of " + limiter.capacity()
                                + " events in flight)");
            }
            int added = appended.added();
            int dups = unique.size() - added + inRequestDuplicates;
            accepted.increment(added);
            duplicates.increment(dups);
            return new Outcome.Done(new IngestResponse(added, dups, rejections));
        }).onFailure().recoverWithItem(this::dedupUnavailable);
    }

    private Outcome dedupUnavailable(Throwable f) {
        Log.warnf("Redis unavailable at ingestion, answering 503: %s", f.toString());
        return refuse(Refusal.REDIS_UNAVAILABLE, "the event store (Redis) is unavailable");
    }

    /**
     * Ingest role: 202 only when the broker has acknowledged every event of the request. The sends go on whatever the
     * answer: when they end, the permits return and the new events' marks are confirmed (acknowledged) or removed
     * (failed: the client's retry is then accepted again). The answer waits at most {@code publish-timeout}; after
     * it, and while an event of the request is still pending from an earlier request, it is 503 with Retry-After, so
     * the client resends until every event is confirmed and it gets its 202 (a confirmed event counts as duplicate).
     */
    private Uni<Outcome> publish(List<BehaviorEvent> admitted, List<DedupStore.EventKey> marked, int dups,
            int pending, List<Rejection> rejections, Context request) {
        Span sending = tracing.start(Tracing.PUBLISH, request).setAttribute("shoal.events", admitted.size());
        Uni<Void> sends = Tracing.ending(sending, kafka.publish(admitted, Tracing.traceparent(sending)))
                .call(() -> dedup.confirm(marked, config.dedupTtl()).onFailure().invoke(f -> Log.warnf(
                        "Could not confirm %d dedup marks (they expire after %s): %s", marked.size(),
                        config.kafkaPendingTtl(), f.toString())).onFailure().recoverWithNull())
                .invoke(() -> accepted.increment(admitted.size()))
                .onFailure().invoke(f -> {
                    // Forgotten so that the client's retry is accepted: at-least-once. An event that reached the
                    // broker before the failure is then in the topic twice (rare: the producer retries for
                    // delivery.timeout.ms first); see docs/kafka.md, Delivery guarantees.
                    forget(marked);
                    Log.warnf("Kafka did not acknowledge %d events: %s", admitted.size(), f.toString());
                })
                .eventually(() -> limiter.release(admitted.size()))
                .memoize().indefinitely();
        // Started here, so that it completes even when the answer below stops waiting for it.
        sends.subscribe().with(ok -> {
        }, f -> {
        });
        return sends.ifNoItem().after(config.publishTimeout()).fail()
                .map(ignored -> {
                    if (pending > 0) {
                        return (Outcome) refuse(Refusal.PUBLISH_PENDING, pending + " events of this request are still being "
                                + "confirmed by the event log (Kafka) from an earlier request");
                    }
                    duplicates.increment(dups);
                    return new Outcome.Done(new IngestResponse(admitted.size(), dups, rejections));
                })
                .onFailure(io.smallrye.mutiny.TimeoutException.class).recoverWithItem(f -> {
                    return refuse(Refusal.PUBLISH_TIMEOUT, "the event log (Kafka) has not acknowledged the events within "
                            + config.publishTimeout() + "; resend them (those it takes count as duplicates)");
                })
                .onFailure().recoverWithItem(f -> {
                    return refuse(Refusal.PUBLISH_FAILED, "the event log (Kafka) did not acknowledge the events");
                });
    }

    private static DedupStore.EventKey key(BehaviorEvent e) {
        return new DedupStore.EventKey(e.userId(), e.eventId());
    }

    private void forget(List<DedupStore.EventKey> events) {
        dedup.forget(events).subscribe().with(
                ok -> {
                }, f -> Log.warnf("Could not forget unsent event ids: %s", f.toString()));
    }
}
