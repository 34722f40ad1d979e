package io.shoal.pipeline;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.shoal.audit.DeadLetterRepository;
import io.shoal.config.PipelineConfig;
import io.shoal.config.RoleConfig;
import io.shoal.event.BehaviorEvent;
import io.shoal.event.EventPosition;
import io.shoal.store.EventLog;
import io.shoal.store.RedisStream;
import io.shoal.store.SegmentStore;
import io.shoal.tracing.Tracing;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Role {@code all}: reads the durable {@link EventLog} in micro-batches and runs each through the
 * {@link BatchProcessor}; an entry is acknowledged (and deleted) only after its batch was applied, dead-lettered
 * events included.
 * <p>
 * <b>Several batches in flight, each shopper in log order.</b> Up to {@code batches-in-flight} batches are applied at
 * once, so that one batch's Redis round trips and scripts overlap another's planning. The rule that keeps a shopper's
 * events in log order: a batch starts only when none of the shoppers it touches (see {@link ColdHold#shoppers}) has
 * an event in a batch still being applied. An event of such a shopper waits beside the log, unacknowledged, exactly
 * as a cold text does (below), with the later events of its shopper, and goes in the first batch read after that
 * shopper's batch has ended; other shoppers' events go on. When that rule cannot hold them (more would wait than
 * {@code max-cold-waiting} and {@code batch-size × batches-in-flight}, or the consumer is recovering, flushing or
 * closing, when nothing waits) a batch that touches a shopper in flight starts only after every batch in flight has
 * ended. While recovering, nothing is read ahead. The stages are
 * safe for concurrent batches of different shoppers (they already run so in the role worker, one batch per Kafka
 * partition): the model's update is a fold of decayed sums, and the Redis scripts check the users' states,
 * positions and model generation they were planned on.
 * <p>
 * <b>An entry is a request.</b> Each entry holds the new events of one request, one per line, each with its own
 * position ({@link EventPosition#ofStreamId(String, int)}). An entry is acknowledged (and deleted) once every one of
 * its events has been applied, in whatever batches they went. A batch holds at most {@code batch-size} events:
 * events read beyond that wait beside the log, in log order, for the next batch, and no more is read until they
 * fit (a read asks for as many entries as should hold the room left, judged by the largest entry of the last read).
 * Only while closing is the rest of a read applied at once. After the first entry arrives, more are read until the
 * batch is full or {@code batch-timeout} has passed. At start, and after any failure, the consumer first reads its
 * own pending entries (read before, not acknowledged: a crash or a failed acknowledgement; each read goes on after
 * the last pending entry it read, since what a read held beyond a batch is not acknowledged yet) and only then new
 * ones, so a shopper's events are applied in order; the positions of the events (see {@link EventPosition}) make a
 * batch that had already been applied a no-op.
 * <p>
 * <b>Cold texts wait beside the log.</b> An event whose text the model has not embedded yet would hold its whole batch
 * for the model (~500 texts/s on two cores). Its text is embedded in the background instead ({@link EventReadiness}),
 * and the event, with every later event of its shopper, waits unacknowledged (still pending in the log, so a crash
 * loses nothing) while other shoppers' events are applied; it joins the first batch after its vector is cached. The
 * rule, its per-shopper order and its bound ({@code max-cold-waiting}) are {@link ColdHold}'s. While recovering,
 * flushing or closing nothing waits.
 * <p>
 * <b>One consumer per log, under a lease.</b> Per-shopper order needs one consumer: two processes of the role
 * {@code all} on one Redis would apply a shopper's newer event before an older one, which would then be skipped as
 * applied. So the consumer applies only while it holds the lease {@code lock:event-log} ({@value #LEASE_MILLIS} ms,
 * renewed every {@value #RENEW_MILLIS} ms); another process accepts events into the same log and stands by, and
 * takes over when the lease expires (a crashed or partitioned leader). During a takeover the old leader has at most
 * its current batch in flight, older than anything new; the positions make a batch applied twice a no-op. To scale
 * out, use the roles ingest and worker (docs/kafka.md).
 */
@ApplicationScoped
public class EventLogConsumer implements BatchSource {

    /** The consumer's name in the group: fixed, so that a restarted process finds its pending entries. */
    static final String CONSUMER = "shoal-all";
    /** The user id of a dead letter made of a log entry that could not be read as an event. */
    static final String UNREADABLE_USER = "(unreadable)";
    static final String LEASE = "event-log";
    static final long LEASE_MILLIS = 15_000;
    static final long RENEW_MILLIS = 5_000;
    /** How long an idle read waits for a first entry before it looks whether it should stop. */
    static final long IDLE_BLOCK_MILLIS = 500;
    /** How long an idle read waits while events wait for their texts, so that they go soon after their vectors. */
    static final long WAITING_BLOCK_MILLIS = 10;
    /** Events per entry assumed before the first read: a read at start asks for few entries of whole requests. */
    static final int FIRST_ENTRY_EVENTS = 100;

    private final RedisStream log;
    private final BatchProcessor processor;
    private final InFlightLimiter limiter;
    private final ObjectMapper json;
    private final PipelineConfig config;
    private final boolean enabled;
    private final Vertx vertx;
    private final Counter unreadable;
    private final DeadLetterRepository deadLetters;
    private final PipelineLag lag;
    private final EventReadiness readiness;
    private final ColdWaitMeters coldWaits;
    /** Read entries waiting for their texts (or behind an earlier one of their shopper), in log order. */
    private volatile List<Waiting> waiting = List.of();
    /** The batches being applied (read, not yet acknowledged), and the shoppers they touch: disjoint sets. */
    private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<String> applyingShoppers = ConcurrentHashMap.newKeySet();
    /** The first failure of a batch in flight since the last recovery; the reader recovers from it. */
    private final AtomicReference<Throwable> inFlightFailure = new AtomicReference<>();
    private final DistributionSummary batchesInFlight;

    private volatile boolean closing;
    private volatile boolean flushing;
    private volatile boolean busy;
    private volatile boolean started;
    private volatile boolean leader;
    private final SegmentStore leases;
    private final String owner = "event-log-" + java.util.UUID.randomUUID();
    private boolean recovering = true;
    /** Events read beyond the last batch's {@code batch-size}, waiting for the next one. */
    private volatile int spilled;
    /** While recovering, the last pending entry read: the next pending read starts after it. */
    private volatile String recoveredAfter = "0";
    /** The most events one entry held in the last read: how many entries a read asks for. */
    private volatile int entryEvents = FIRST_ENTRY_EVENTS;
    private long sequence;
    private Duration failureDelay;

    public EventLogConsumer(EventLog log, BatchProcessor processor, InFlightLimiter limiter, ObjectMapper json,
            DeadLetterRepository deadLetters, SegmentStore leases, PipelineLag lag, PipelineConfig config,
            RoleConfig roles, Vertx vertx, MeterRegistry registry, EventReadiness readiness,
            ColdWaitMeters coldWaits) {
        this.readiness = readiness;
        this.lag = lag;
        this.leases = leases;
        this.deadLetters = deadLetters;
        this.log = log.stream();
        this.processor = processor;
        this.limiter = limiter;
        this.json = json;
        this.config = config;
        this.enabled = roles.role() == RoleConfig.Role.ALL;
        this.vertx = vertx;
        this.failureDelay = config.retryDelay();
        this.unreadable = Counter.builder("shoal.pipeline.log.unreadable")
                .description("Event log lines (one per event of an entry) that were not a readable event, moved to "
                        + "dead_letter")
                .register(registry);
        this.batchesInFlight = DistributionSummary.builder("shoal.pipeline.batches.in.flight")
                .description("Role all: batches being applied when one more starts, this one included (at most "
                        + "shoal.pipeline.batches-in-flight)")
                .register(registry);
        this.coldWaits = coldWaits;
        coldWaits.register(() -> waiting.size());
        if (config.maxColdWaiting() < 0) {
            throw new IllegalArgumentException(
                    "shoal.pipeline.max-cold-waiting must be >= 0 but was " + config.maxColdWaiting());
        }
        if (config.batchesInFlight() < 1) {
            throw new IllegalArgumentException(
                    "shoal.pipeline.batches-in-flight must be >= 1 but was " + config.batchesInFlight());
        }
        if (config.batchSize() < 1) {
            throw new IllegalArgumentException("shoal.pipeline.batch-size must be >= 1 but was " + config.batchSize());
        }
    }

    void start(@Observes StartupEvent ignored) {
        if (enabled) {
            begin();
        }
    }

    private boolean standbyLogged;

    /** Takes the lease and starts applying, or stands by and tries again. */
    private void begin() {
        if (closing) {
            return;
        }
        leases.tryLock(LEASE, owner, LEASE_MILLIS).chain(got -> {
            if (!got) {
                return Uni.createFrom().item(-1L);
            }
            return log.ensureGroup().chain(log::backlog);
        }).subscribe().with(backlog -> {
            started = true;
            if (backlog < 0) {
                if (!standbyLogged) {
                    Log.infof("Another process applies the event log (lease %s); this one accepts events into it and "
                            + "stands by", LEASE);
                    standbyLogged = true;
                }
                vertx.setTimer(RENEW_MILLIS, id -> begin());
                return;
            }
            leader = true;
            standbyLogged = false;
            recovering = true;
            waiting = List.of();
            spilled = 0;
            recoveredAfter = "0";
            limiter.observeBacklog(backlog);
            Log.infof("Applying the event log (lease %s)%s", LEASE,
                    backlog > 0 ? ": " + backlog + " accepted events not yet applied, pending ones first" : "");
            vertx.setPeriodic(RENEW_MILLIS, timer -> renew(timer));
            next();
        }, f -> {
            Log.warnf("Event log unavailable at start, retrying in %s: %s", config.maxRetryDelay(), f.toString());
            vertx.setTimer(config.maxRetryDelay().toMillis(), id -> begin());
        });
    }

    private void renew(long timer) {
        if (closing) {
            vertx.cancelTimer(timer);
            return;
        }
        // Not held any more: take it again if nobody else has it (it expired, or its key was deleted), else stand by.
        leases.renewLock(LEASE, owner, LEASE_MILLIS)
                .chain(held -> held ? Uni.createFrom().item(true) : leases.tryLock(LEASE, owner, LEASE_MILLIS))
                .subscribe().with(held -> {
                    if (!held) {
                        vertx.cancelTimer(timer);
                        leader = false;
                        lag.queued(0);
                        Log.warnf("Another process took the event log lease %s; this one stops applying after the "
                                + "current batch and stands by", LEASE);
                    }
                }, f -> Log.debugf("Could not renew the event log lease: %s", f.toString()));
    }

    /** Stops taking new batches; the running one goes on (see {@link PipelineDrainer}). */
    @Override
    public void close() {
        if (!closing) {
            closing = true;
            if (leader) {
                // Released before the Redis client closes (the drain runs on the shutdown thread, which may block),
                // so a successor takes over at once; what this one has in flight is made a no-op by positions.
                try {
                    leases.unlock(LEASE, owner).await().atMost(Duration.ofSeconds(2));
                } catch (RuntimeException e) {
                    Log.warnf("Could not release the event log lease (it expires in %d ms): %s", LEASE_MILLIS,
                            e.toString());
                }
            }
        }
    }

    /** Whether this process applies the log now (it holds the lease); a standby leaves the backlog to the leader. */
    @Override
    public boolean drainsBacklog() {
        return leader;
    }

    @Override
    public void flush() {
        flushing = true;
    }

    @Override
    public boolean busy() {
        return busy || !inFlight.isEmpty() || !waiting.isEmpty() || (enabled && !started && !closing);
    }

    private void next() {
        if (closing) {
            return;
        }
        if (!leader) {
            // begin() reads the pending entries again: the batches in flight end first.
            settled().subscribe().with(ignored -> vertx.setTimer(RENEW_MILLIS, id -> begin()));
            return;
        }
        Throwable failed = inFlightFailure.get();
        if (failed != null) {
            retryAfter(failed);
            return;
        }
        if (inFlight.size() >= config.batchesInFlight()) {
            oneEnded().subscribe().with(ignored -> next());
            return;
        }
        if (recovering && !inFlight.isEmpty()) {
            // A pending read starts from the first unacknowledged entry: it would read the batches in flight again.
            settled().subscribe().with(ignored -> next());
            return;
        }
        busy = true;
        collect().chain(this::apply).subscribe().with(ignored -> {
            busy = false;
            failureDelay = config.retryDelay();
            next();
        }, failure -> {
            busy = false;
            retryAfter(failure);
        });
    }

    /**
     * After a failure: once the batches in flight have ended, whatever was read and not acknowledged is read again
     * from the pending list, before anything new (the waiting entries too, in their place).
     */
    private void retryAfter(Throwable failure) {
        settled().subscribe().with(ignored -> {
            inFlightFailure.set(null);
            recovering = true;
            waiting = List.of();
            spilled = 0;
            recoveredAfter = "0";
            if (!(failure instanceof PipelineClosedException)) {
                Log.warnf("Event log consumer: %s; retrying in %s", failure.toString(), failureDelay);
            }
            long delay = failureDelay.toMillis();
            failureDelay = failureDelay.multipliedBy(2).compareTo(config.maxRetryDelay()) > 0 ? config.maxRetryDelay()
                    : failureDelay.multipliedBy(2);
            vertx.setTimer(Math.max(1, delay), id -> next());
        });
    }

    /** Completes when every batch in flight now has ended, applied or failed. */
    private Uni<Void> settled() {
        CompletableFuture<?>[] now = endings();
        return now.length == 0 ? Uni.createFrom().voidItem()
                : Uni.createFrom().completionStage(CompletableFuture.allOf(now));
    }

    /** Completes when one of the batches in flight now has ended, applied or failed. */
    private Uni<Void> oneEnded() {
        CompletableFuture<?>[] now = endings();
        return now.length == 0 ? Uni.createFrom().voidItem()
                : Uni.createFrom().completionStage(CompletableFuture.anyOf(now)).replaceWithVoid();
    }

    /** The batches in flight now, each as a stage that completes normally when the batch ends either way. */
    private CompletableFuture<?>[] endings() {
        return List.copyOf(inFlight).stream().map(b -> b.handle((ok, failure) -> null))
                .toArray(CompletableFuture[]::new);
    }

    /**
     * The next batch's entries: pending entries first (all of them, one batch at a time), then new ones. Entries hold
     * a request's events each, so a read asks for as many entries as should hold the events the batch still has
     * room for, judged by the entries of the last read ({@link #entryEvents}); events read beyond the batch's
     * {@code batch-size} wait for the next one ({@link #apply}).
     */
    private Uni<List<RedisStream.Entry>> collect() {
        int room = config.batchSize() - spilled;
        if (room <= 0) {
            return Uni.createFrom().item(List.of());
        }
        if (recovering) {
            // The pending entries after the last one this recovery read (the events of a read beyond a batch wait
            // for the next, so the read goes on from there). The group may be gone (Redis restarted without
            // persistence, keys deleted): create it again first.
            return log.ensureGroup().chain(() -> log.pendingAfter(CONSUMER, entriesFor(room), recoveredAfter))
                    .invoke(entries -> {
                        observe(entries);
                        if (entries.isEmpty()) {
                            recovering = false;
                        } else {
                            recoveredAfter = entries.get(entries.size() - 1).id();
                        }
                    });
        }
        return fill(room);
    }

    /**
     * Reads new entries until they hold {@code room} events or {@code batch-timeout} has passed since the first one.
     * One read per repeat (iterative: a long trickle of small reads must not nest subscribers on the stack).
     */
    private Uni<List<RedisStream.Entry>> fill(int room) {
        List<RedisStream.Entry> got = new ArrayList<>();
        long[] until = {0};
        int[] events = {0};
        return Multi.createBy().repeating().uni(() -> {
            // Never block longer than the idle wait, so that a flush or close is seen within it.
            // Events carried over from the last read are ready to go: then do not wait for more.
            long first = spilled > 0 ? 1 : waiting.isEmpty() ? IDLE_BLOCK_MILLIS : WAITING_BLOCK_MILLIS;
            long block = got.isEmpty() ? first : Math.max(1, Math.min(IDLE_BLOCK_MILLIS,
                    TimeUnit.NANOSECONDS.toMillis(until[0] - System.nanoTime())));
            return log.read(CONSUMER, entriesFor(room - events[0]), false, block).map(entries -> {
                if (got.isEmpty() && !entries.isEmpty()) {
                    until[0] = System.nanoTime() + config.batchTimeout().toNanos();
                }
                events[0] += observe(entries);
                got.addAll(entries);
                return got.isEmpty() || events[0] >= room || System.nanoTime() >= until[0] || closing || flushing;
            });
        }).until(done -> done).collect().last().map(ignored -> got);
    }

    /** How many entries to read for {@code room} events: by the largest entry of the last read, at least one. */
    private int entriesFor(int room) {
        return Math.max(1, room / Math.max(1, entryEvents));
    }

    /**
     * Remembers the largest number of events in one entry of a read (nothing read: unchanged); returns the events
     * the read holds.
     */
    private int observe(List<RedisStream.Entry> entries) {
        int total = 0;
        int most = 0;
        for (RedisStream.Entry e : entries) {
            int n = EventLog.eventCount(e.field(EventLog.EVENT_FIELD));
            total += n;
            most = Math.max(most, n);
        }
        if (!entries.isEmpty()) {
            entryEvents = Math.max(1, most);
        }
        return total;
    }

    private Uni<Void> apply(List<RedisStream.Entry> entries) {
        if (entries.isEmpty() && waiting.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Every event of the batch, and every line that is not one, settles its entry when the batch is applied.
        List<LogEntry> settles = new ArrayList<>();
        List<Waiting> read = new ArrayList<>(entries.size());
        List<DeadLetterRepository.Failure> unreadableEntries = new ArrayList<>();
        for (RedisStream.Entry entry : entries) {
            String body = entry.field(EventLog.EVENT_FIELD);
            if (body == null) {
                // Deleted while pending (acknowledged by an earlier run whose answer was lost): nothing to apply.
                settles.add(new LogEntry(entry, 0));
                continue;
            }
            List<String> lines = EventLog.events(body);
            LogEntry logEntry = new LogEntry(entry, lines.size());
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                try {
                    read.add(new Waiting(logEntry, json.readValue(line, BehaviorEvent.class),
                            EventPosition.ofStreamId(entry.id(), i), null));
                } catch (IOException | IllegalArgumentException e) {
                    // Not written by this version's ingestion: kept, not dropped; its entry-mates go on.
                    settles.add(logEntry);
                    unreadable.increment();
                    String where = lines.size() == 1 ? entry.id() : entry.id() + "/" + i;
                    Log.errorf("Event log entry %s is not an event, dead-lettered: %s", where, e.getMessage());
                    unreadableEntries.add(new DeadLetterRepository.Failure(UNREADABLE_USER, "log-" + where, line,
                            "not a readable event: " + e.getMessage()));
                }
            }
        }
        // Events wait beside the log only in normal running; for their texts only when cold waiting is on.
        boolean hold = !recovering && !flushing && !closing;
        boolean coldWait = hold && config.maxColdWaiting() > 0;
        Uni<EventReadiness.Warming> warming = coldWait && !read.isEmpty()
                ? readiness.warm(read.stream().map(Waiting::event).toList())
                        .onFailure().recoverWithItem(EventReadiness.Warming.none())
                : Uni.createFrom().item(EventReadiness.Warming.none());
        return warming.chain(warm -> {
            List<Waiting> inOrder = new ArrayList<>(waiting);
            Set<Waiting> incoming = Collections.newSetFromMap(new IdentityHashMap<>());
            for (int i = 0; i < read.size(); i++) {
                Waiting w = warm.slow().get(i) ? read.get(i).until(warm.done()) : read.get(i);
                inOrder.add(w);
                incoming.add(w);
            }
            // An event waits for its text, or for its shopper's batch in flight; a shopper's later events wait with it.
            ColdHold.Split<Waiting> split = hold
                    ? ColdHold.split(inOrder, Waiting::shoppers, w -> w.ready() && !applying(w), waitingBound())
                    : new ColdHold.Split<>(inOrder, List.of());
            List<Waiting> now = split.now();
            List<Waiting> left = split.waiting();
            spilled = 0;
            if (!closing && now.size() > config.batchSize()) {
                // More than a batch read (entries hold whole requests): the rest waits for the next batch, in log
                // order, so a shopper's later events stay behind its earlier ones.
                Set<Waiting> later = Collections.newSetFromMap(new IdentityHashMap<>());
                later.addAll(now.subList(config.batchSize(), now.size()));
                later.addAll(left);
                spilled = now.size() - config.batchSize();
                now = now.subList(0, config.batchSize());
                left = inOrder.stream().filter(later::contains).toList();
            }
            waiting = left;
            coldWaits.waited(coldWaiting(split.waiting()).stream().filter(incoming::contains).count());
            List<BehaviorEvent> events = new ArrayList<>(now.size());
            List<EventPosition> positions = new ArrayList<>(now.size());
            Set<String> origins = new LinkedHashSet<>();
            Set<String> touched = new LinkedHashSet<>();
            for (Waiting w : now) {
                touched.addAll(w.shoppers());
                settles.add(w.entry());
                events.add(w.event());
                positions.add(w.position());
                String traceparent = w.entry().entry().field(Tracing.TRACEPARENT_FIELD);
                if (traceparent != null) {
                    origins.add(traceparent);
                }
            }
            if (settles.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            MicroBatch batch = events.isEmpty() ? null
                    : new MicroBatch(++sequence, events, positions, List.copyOf(origins));
            Uni<Void> work = Uni.createFrom().deferred(() -> batch == null ? Uni.createFrom().voidItem()
                    : processor.process(batch))
                    .chain(() -> deadLetters.record(unreadableEntries)).chain(() -> acknowledge(settles))
                    .invoke(backlog -> {
                        if (backlog != null) {
                            limiter.observeBacklog(backlog.size());
                            limiter.observeBacklogBytes(backlog.bytes());
                            lag.queued(backlog.oldestMillis());
                        }
                    }).replaceWithVoid();
            // Not held back by the rule above (bound reached, recovering, flushing, closing): after the batches in
            // flight, so that no shopper has two batches at once.
            boolean overlaps = touched.stream().anyMatch(applyingShoppers::contains);
            return (overlaps ? settled() : Uni.createFrom().voidItem()).invoke(() -> start(work, touched));
        });
    }

    /**
     * A batch was applied: each of its events (and unreadable lines) settles one of its entry's events, and the
     * entries with none left are acknowledged and deleted; null when none is complete (the log was not touched).
     */
    private Uni<RedisStream.Backlog> acknowledge(List<LogEntry> settles) {
        List<String> ids = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (LogEntry e : settles) {
            if (e.settle()) {
                ids.add(e.entry().id());
                sizes.add(e.entry().bytes(EventLog.EVENT_FIELD));
                counts.add(e.events());
            }
        }
        return ids.isEmpty() ? Uni.createFrom().<RedisStream.Backlog>nullItem() : log.ack(ids, sizes, counts);
    }

    /** Starts applying a batch beside those in flight; the reader goes on at once. */
    private void start(Uni<Void> work, Set<String> touched) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        applyingShoppers.addAll(touched);
        inFlight.add(done);
        batchesInFlight.record(inFlight.size());
        work.subscribe().with(ok -> ended(done, touched, null), failure -> ended(done, touched, failure));
    }

    /**
     * A batch has ended: its shoppers are free and its place is, before anything waiting on {@code done} runs (the
     * reader, which then sees them free).
     */
    private void ended(CompletableFuture<Void> done, Set<String> touched, Throwable failure) {
        applyingShoppers.removeAll(touched);
        inFlight.remove(done);
        if (failure == null) {
            done.complete(null);
        } else {
            inFlightFailure.compareAndSet(null, failure);
            done.completeExceptionally(failure);
        }
    }

    /**
     * Most events left waiting beside the log: {@code max-cold-waiting}, and at least what the batches in flight can
     * hold back (so that {@code max-cold-waiting=0}, which turns waiting for texts off, still lets a shopper's events
     * wait for their batch in flight instead of making every overlap wait for all batches in flight).
     */
    private int waitingBound() {
        return Math.max(config.maxColdWaiting(), config.batchSize() * config.batchesInFlight());
    }

    /** Whether a shopper of the event has an event in a batch being applied. */
    private boolean applying(Waiting w) {
        for (String shopper : w.shoppers()) {
            if (applyingShoppers.contains(shopper)) {
                return true;
            }
        }
        return false;
    }

    /** Of the waiting events, those that wait for a text (theirs or an earlier one of their shopper's). */
    private static Set<Waiting> coldWaiting(List<Waiting> waiting) {
        if (waiting.isEmpty()) {
            return Set.of();
        }
        Set<Waiting> cold = Collections.newSetFromMap(new IdentityHashMap<>());
        cold.addAll(ColdHold.split(waiting, Waiting::shoppers, Waiting::ready, Integer.MAX_VALUE).waiting());
        return cold;
    }

    /**
     * A log entry being applied: it is acknowledged once each of its events has been applied in some batch (an
     * entry holds a request's events, and they may go in different batches: a cold text, a shopper in flight, a
     * full batch). The count lives as long as the read: after a failure the entries are read again from the pending
     * list, with fresh counts, and the events already applied are skipped by their positions.
     */
    private static final class LogEntry {
        private final RedisStream.Entry entry;
        private final int events;
        private final AtomicInteger left;

        LogEntry(RedisStream.Entry entry, int events) {
            this.entry = entry;
            this.events = events;
            this.left = new AtomicInteger(events);
        }

        RedisStream.Entry entry() {
            return entry;
        }

        int events() {
            return events;
        }

        /** One of its events was applied; true when that was the last (an entry without events settles at once). */
        boolean settle() {
            return events == 0 || left.decrementAndGet() == 0;
        }
    }

    /**
     * A read event, with its entry and the background work it waits for (null: none).
     */
    private record Waiting(LogEntry entry, BehaviorEvent event, EventPosition position, CompletionStage<?> warmed) {

        Waiting until(CompletionStage<?> done) {
            return new Waiting(entry, event, position, done);
        }

        boolean ready() {
            return warmed == null || warmed.toCompletableFuture().isDone();
        }

        List<String> shoppers() {
            return ColdHold.shoppers(event);
        }
    }
}
