package io.shoal.testing;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import io.shoal.pipeline.BatchStage;
import io.shoal.pipeline.MicroBatch;
import io.smallrye.mutiny.Uni;

/**
 * A test-only stage that fails every batch holding an event whose text contains {@link #MARK}, as a bug triggered by
 * one event's content would, while Redis and PostgreSQL are up. It runs before the segmentation and the activity
 * counters, as a failure in the segmentation would. {@link #cure()} makes it pass such events (the fix deployed).
 * Inert for every other test: no other text holds the mark.
 */
@ApplicationScoped
public class PoisonStage implements BatchStage {

    public static final String MARK = "\u2620poison";

    private final AtomicBoolean cured = new AtomicBoolean();

    public void cure() {
        cured.set(true);
    }

    public void poison() {
        cured.set(false);
    }

    @Override
    public int order() {
        return 150;
    }

    @Override
    public String name() {
        return "test-poison";
    }

    @Override
    public Uni<Void> process(MicroBatch batch) {
        if (!cured.get() && batch.events().stream().anyMatch(e -> e.text() != null && e.text().contains(MARK))) {
            return Uni.createFrom().failure(new IllegalArgumentException("test poison in batch " + batch.sequence()));
        }
        return Uni.createFrom().voidItem();
    }
}
