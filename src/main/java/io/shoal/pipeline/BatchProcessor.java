package io.shoal.pipeline;

import java.util.Comparator;
import java.util.List;

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
 * stage fails (Redis or Postgres briefly away), and returns the batch's admission permits when it is done.
 * The returned {@code Uni} never fails, so the channel never dies.
 */
@ApplicationScoped
public class BatchProcessor {

    private final List<BatchStage> stages;
    private final InFlightLimiter limiter;
    private final PipelineConfig config;
    private final DistributionSummary batchSize;
    private final Timer batchLatency;
    private final Counter processed;
    private final Counter failedEvents;
    private final Counter retries;

    public BatchProcessor(@Any Instance<BatchStage> stages, InFlightLimiter limiter, PipelineConfig config,
            MeterRegistry registry) {
        this.stages = stages.stream().sorted(Comparator.comparingInt(BatchStage::order)).toList();
        this.limiter = limiter;
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

    public Uni<Void> process(MicroBatch batch) {
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
                .onFailure().recoverWithItem(f -> {
                    failedEvents.increment(batch.size());
                    Log.errorf(f, "Micro-batch %d (%d events) given up after %d attempts", batch.sequence(),
                            batch.size(), config.maxAttempts());
                    return null;
                })
                .eventually(() -> {
                    limiter.release(batch.size());
                    batchLatency.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
                });
    }

    private Uni<Void> runStages(MicroBatch batch) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (BatchStage stage : stages) {
            chain = chain.chain(() -> stage.process(batch));
        }
        return chain;
    }
}
