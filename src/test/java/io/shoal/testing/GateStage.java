package io.shoal.testing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.shoal.pipeline.BatchStage;
import io.shoal.pipeline.MicroBatch;
import io.smallrye.mutiny.Uni;

/**
 * A test-only stage that runs first and can hold every batch until the test opens it again, to make the pipeline
 * busy on purpose (overload tests). Open by default, so other tests do not notice it.
 */
@ApplicationScoped
public class GateStage implements BatchStage {

    private final AtomicReference<CompletableFuture<Void>> gate =
            new AtomicReference<>(CompletableFuture.completedFuture(null));

    public void close() {
        gate.set(new CompletableFuture<>());
    }

    public void open() {
        gate.get().complete(null);
    }

    @Override
    public int order() {
        return 0;
    }

    @Override
    public String name() {
        return "test-gate";
    }

    @Override
    public Uni<Void> process(MicroBatch batch) {
        return Uni.createFrom().completionStage(gate.get());
    }
}
