package io.shoal.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.shoal.audit.DeadLetterRepository;
import io.shoal.config.PipelineConfig;
import io.shoal.event.BehaviorEvent;
import io.shoal.store.DedupStore;
import io.shoal.tracing.Tracing;
import io.smallrye.mutiny.Uni;

/**
 * Runs every {@link BatchStage} on a micro-batch, in order, and makes sure the batch ends applied, whatever is in it:
 * <ol>
 * <li>the stages run with retries (exponential backoff, {@code max-attempts}); a lost race
 * ({@link ConflictException}: a sweep or another worker changed what the batch was planned on) is planned again at
 * once and does not count;</li>
 * <li>when the last attempt fails, the {@link Dependencies} are probed. If Redis or PostgreSQL is down the batch is
 * not poison: it waits ({@code max-retry-delay} between rounds, readiness DOWN, ingestion 503) and runs again, for
 * as long as it takes; nothing is dropped;</li>
 * <li>if both are up, the failure is inside the batch: it is split in two halves, each run on its own (in order,
 * {@value #ISOLATION_ATTEMPTS} attempts), recursively, so that every good event is applied and the failing ones are
 * found alone. A failing event alone goes to the dead-letter table in PostgreSQL with its error, and its dedup mark
 * is removed so that the client (or {@code ./shoal dead-letters replay}) can send it again.</li>
 * </ol>
 * {@link #process} fails only when the pipeline shuts down while a batch waits ({@link PipelineClosedException});
 * the caller then leaves the batch unacknowledged in its log. Stages are idempotent per event position, so the
 * reruns of a split change nothing twice.
 */
@ApplicationScoped
public class BatchProcessor {

    /** Attempts of a half while a failing batch is being split (its dependencies were just seen up). */
    static final int ISOLATION_ATTEMPTS = 2;
    /** Re-plans after a lost race ({@link ConflictException}) before it counts as a failed attempt. */
    static final int MAX_CONFLICT_RETRIES = 100;
    static final Duration CONFLICT_DELAY = Duration.ofMillis(5);

    private final List<BatchStage> stages;
    private final PipelineConfig config;
    private final Dependencies dependencies;
    private final DeadLetterRepository deadLetters;
    private final DedupStore dedup;
    private final ObjectMapper json;
    private final DistributionSummary batchSize;
    private final Timer batchLatency;
    private final Counter processed;
    private final Counter deadLettered;
    private final Counter retries;
    private final Counter splits;
    private final Counter dependencyWaits;
    private final Counter conflicts;
    private final PipelineLag lag;
    private final Tracing tracing;
    private volatile boolean closing;

    public BatchProcessor(@Any Instance<BatchStage> stages, PipelineConfig config, Dependencies dependencies,
            DeadLetterRepository deadLetters, DedupStore dedup, ObjectMapper json, PipelineLag lag, Tracing tracing,
            MeterRegistry registry) {
        this.lag = lag;
        this.tracing = tracing;
        this.stages = stages.stream().sorted(Comparator.comparingInt(BatchStage::order)).toList();
        this.config = config;
        this.dependencies = dependencies;
        this.deadLetters = deadLetters;
        this.dedup = dedup;
        this.json = json;
        this.batchSize = DistributionSummary.builder("shoal.pipeline.batch.size")
                .description("Events per micro-batch").publishPercentileHistogram().register(registry);
        this.batchLatency = Timer.builder("shoal.pipeline.batch.latency")
                .description("Time to apply a micro-batch, retries, waits and isolation included")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.processed = Counter.builder("shoal.pipeline.events").tag("outcome", "processed")
                .description("Events applied by the batch stages").register(registry);
        this.deadLettered = Counter.builder("shoal.pipeline.events").tag("outcome", "dead-lettered")
                .description("Events that failed alone with Redis and PostgreSQL up, stored in dead_letter")
                .register(registry);
        this.retries = Counter.builder("shoal.pipeline.batch.retries")
                .description("Micro-batch attempts that failed and were retried").register(registry);
        this.splits = Counter.builder("shoal.pipeline.batch.splits")
                .description("Failing micro-batches split in two to isolate the failing events").register(registry);
        this.dependencyWaits = Counter.builder("shoal.pipeline.dependency.waits")
                .description("Rounds a failed batch waited because Redis or PostgreSQL was down").register(registry);
        this.conflicts = Counter.builder("shoal.pipeline.batch.conflicts")
                .description("Micro-batches planned again because what they were planned on changed meanwhile")
                .register(registry);
        Log.infof("Batch stages: %s", this.stages.stream().map(BatchStage::name).toList());
    }

    /** Shutdown, after the drain (priority 10): a batch waiting on a dependency stops waiting and stays in its log. */
    void close(@Observes @Priority(20) ShutdownEvent ignored) {
        closing = true;
    }

    /**
     * Applies the batch: every event ends applied or dead-lettered.
     *
     * @return completes when done; fails only with {@link PipelineClosedException} on shutdown
     */
    public Uni<Void> process(MicroBatch batch) {
        long start = System.nanoTime();
        batchSize.record(batch.size());
        Object waiting = lag.applying(batch);
        Span span = tracing.startLinked(Tracing.BATCH, batch.origins())
                .setAttribute("shoal.batch.sequence", batch.sequence())
                .setAttribute("shoal.batch.events", batch.size());
        MicroBatch traced = batch.traced(Context.root().with(span));
        return Tracing.ending(span, isolate(traced, config.maxAttempts()))
                .eventually(() -> {
                    lag.applied(waiting);
                    batchLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                });
    }

    private Uni<Void> isolate(MicroBatch batch, int attempts) {
        return attempt(batch, attempts)
                .invoke(() -> {
                    processed.increment(batch.size());
                    dependencies.recovered();
                })
                .onFailure(f -> !(f instanceof PipelineClosedException))
                .recoverWithUni(f -> afterFailure(batch, f));
    }

    private Uni<Void> attempt(MicroBatch batch, int attempts) {
        return runStages(batch)
                .onFailure(ConflictException.class).invoke(() -> conflicts.increment())
                .onFailure(ConflictException.class).retry().withBackOff(CONFLICT_DELAY, config.retryDelay())
                .atMost(MAX_CONFLICT_RETRIES)
                .onFailure().invoke(f -> {
                    retries.increment();
                    Log.debugf("Micro-batch %d (%d events) failed: %s", batch.sequence(), batch.size(), f.toString());
                })
                .onFailure().retry().withBackOff(config.retryDelay(), config.maxRetryDelay())
                .atMost(Math.max(0, attempts - 1));
    }

    private Uni<Void> afterFailure(MicroBatch batch, Throwable failure) {
        if (closing) {
            return Uni.createFrom().failure(new PipelineClosedException("shutting down while micro-batch "
                    + batch.sequence() + " was failing: " + failure));
        }
        return dependencies.probe().chain(down -> {
            if (!down.isEmpty()) {
                dependencyWaits.increment();
                Log.warnf("Micro-batch %d (%d events) waits for %s (down): %s; nothing is dropped", batch.sequence(),
                        batch.size(), String.join(" and ", down), failure.toString());
                return wait(config.maxRetryDelay()).chain(() -> isolate(batch, config.maxAttempts()));
            }
            if (batch.size() == 1) {
                return deadLetter(batch.events().get(0), failure);
            }
            splits.increment();
            int half = batch.size() / 2;
            Log.warnf("Micro-batch %d (%d events) fails with Redis and PostgreSQL up (%s): splitting it to isolate "
                    + "the failing events", batch.sequence(), batch.size(), failure.toString());
            MicroBatch left = slice(batch, 0, half);
            MicroBatch right = slice(batch, half, batch.size());
            return isolate(left, ISOLATION_ATTEMPTS).chain(() -> isolate(right, ISOLATION_ATTEMPTS));
        });
    }

    private Uni<Void> deadLetter(BehaviorEvent event, Throwable failure) {
        String body;
        try {
            body = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            body = String.valueOf(event);
        }
        String error = failure.toString();
        return deadLetters.record(List.of(new DeadLetterRepository.Failure(event.userId(), event.eventId(), body, error)))
                .chain(() -> dedup.forget(List.of(new DedupStore.EventKey(event.userId(), event.eventId()))))
                .invoke(() -> {
                    deadLettered.increment();
                    // no user id in the log (README "Security"): the dead_letter row holds it
                    Log.errorf("Event %s failed alone and went to dead_letter: %s", event.eventId(), error);
                })
                // Storing it needs PostgreSQL and Redis: if that fails, they are down after all, and it waits.
                .onFailure(f -> !closing).recoverWithUni(f -> dependencies.probe().chain(
                        down -> wait(config.maxRetryDelay()).chain(() -> deadLetter(event, failure))));
    }

    private static Uni<Void> wait(Duration d) {
        return Uni.createFrom().voidItem().onItem().delayIt().by(d);
    }

    private static MicroBatch slice(MicroBatch batch, int from, int to) {
        return new MicroBatch(batch.sequence(), new ArrayList<>(batch.events().subList(from, to)),
                new ArrayList<>(batch.positions().subList(from, to)), batch.origins(), batch.trace());
    }

    private Uni<Void> runStages(MicroBatch batch) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (BatchStage stage : stages) {
            chain = chain.chain(() -> stage.process(batch));
        }
        return chain;
    }
}
