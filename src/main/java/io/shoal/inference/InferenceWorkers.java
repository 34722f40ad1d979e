package io.shoal.inference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded thread pool that runs the model, apart from the Vert.x event loop and from Quarkus' shared worker pool
 * (which HTTP and Redis work also needs). As many threads as predictors; a full queue refuses new sub-batches, so
 * overload shows as failed batches that the pipeline retries instead of unbounded memory.
 */
@ApplicationScoped
public class InferenceWorkers {

    private final ExecutorService executor;

    public InferenceWorkers(InferenceConfig config) {
        int threads = config.effectiveWorkers();
        if (config.queueCapacity() < 1) {
            throw new IllegalArgumentException("shoal.inference.queue-capacity must be >= 1 but was "
                    + config.queueCapacity());
        }
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, "shoal-inference-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(config.queueCapacity()), factory, new ThreadPoolExecutor.AbortPolicy());
    }

    public ExecutorService executor() {
        return executor;
    }

    @PreDestroy
    void shutdown() {
        executor.shutdownNow();
    }
}
