package io.shoal.pipeline;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.shoal.config.PipelineConfig;
import io.smallrye.mutiny.Uni;

/**
 * Runs every {@link BatchStage} on a micro-batch, in order, retrying the batch with exponential backoff when a
 * stage fails (Redis or Postgres briefly away). {@link #process} never fails, so the in-memory channel never dies;
 * {@link #processOrFail} fails after the last attempt so that a Kafka batch is not acknowledged. Admission permits
 * are the caller's business (the in-memory {@link MicroBatcher} returns them; Kafka batches hold none).
 */
@ApplicationScoped
public class BatchProcessor {

    private final List<BatchStage> stages;
    private final PipelineConfig config;
    private final DistributionSummary batchSize;
    private final Timer batchLatency;
    private final Counter processed;
    private final Counter failedEvents;
    private final Counter retries;

    public BatchProcessor(@Any Instance<BatchStage> stages, PipelineConfig config, MeterRegistry registry) {
        this.stages = stages.stream().sorted(Comparator.comparingInt(BatchStage::order)).toList();
        this.config = config;
        this.batchSize = DistributionSummary.builder("shoal.pipeline.batch.size")
                .description("Events per micro-batch").publishPercentileHistogram().register(registry);
        this.batchLatency = Timer.builder("shoal.pipeline.batch.latency")
                .description("Time to run all stages on a micro-batch, retries included")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.processed = Counter.builder("shoal.pipeline.events").tag("outcome", "processed")
                .description("Events whose micro-batch completed").register(registry);
        this.failedEvents = Counter.builder("shoal.pipeline.events").tag("outcome", "failed")
                .description("Events whose micro-batch failed after all attempts").register(registry);
        this.retries = Counter.builder("shoal.pipeline.batch.retries")
                .description("Micro-batch attempts that failed and were retried").register(registry);
        Log.infof("Batch stages: %s", this.stages.stream().map(BatchStage::name).toList());
    }

    /** Runs the stages with retries; a batch that fails every attempt is logged, counted and dropped. */
    public Uni<Void> process(MicroBatch batch) {
        return processOrFail(batch).onFailure().recoverWithNull();
    }

    /**
     * Runs the stages with retries; fails when the last attempt failed (logged and counted), so that a caller that
     * can have the batch delivered again (Kafka) does not acknowledge it.
     */
    public Uni<Void> processOrFail(MicroBatch batch) {
        long start = System.nanoTime();
        batchSize.record(batch.size());
        return runStages(batch)
                .onFailure().invoke(f -> {
                    retries.increment();
                    Log.warnf("Micro-batch %d (%d events) failed, retrying: %s", batch.sequence(), batch.size(), f.toString());
                })
                .onFailure().retry()
                .withBackOff(config.retryDelay(), config.maxRetryDelay())
                .atMost(Math.max(0, config.maxAttempts() - 1))
                .invoke(() -> processed.increment(batch.size()))
                .onFailure().invoke(f -> {
                    failedEvents.increment(batch.size());
                    Log.errorf(f, "Micro-batch %d (%d events) given up after %d attempts", batch.sequence(),
                            batch.size(), config.maxAttempts());
                })
                .eventually(() -> batchLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
    }

    private Uni<Void> runStages(MicroBatch batch) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (BatchStage stage : stages) {
            chain = chain.chain(() -> stage.process(batch));
        }
        return chain;
    }
}
