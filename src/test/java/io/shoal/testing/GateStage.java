package io.shoal.testing;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
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
    private final List<MicroBatch> held = new CopyOnWriteArrayList<>();

    public void close() {
        held.clear();
        gate.set(new CompletableFuture<>());
    }

    /** The batches that reached the gate while it was closed (since it was last closed), in that order. */
    public List<MicroBatch> held() {
        return List.copyOf(held);
    }

    public void open() {
        gate.get().complete(null);
    }

    /** Lets the batches held now go on and holds the next ones, still recording them in {@link #held()}. */
    public void pass() {
        gate.getAndSet(new CompletableFuture<>()).complete(null);
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
        CompletableFuture<Void> now = gate.get();
        if (!now.isDone()) {
            held.add(batch);
        }
        return Uni.createFrom().completionStage(now);
    }
}
