package io.shoal.pipeline;

import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.shoal.event.BehaviorEvent;
import io.smallrye.mutiny.Uni;

/**
 * Which events of a batch would make it wait for slow work (a text the model has not embedded yet), with that work
 * started in the background, so that the event log consumer can apply the others first ({@link ColdHold}). The
 * pipeline knows the embedding stage only through this interface.
 */
public interface EventReadiness {

    /**
     * @param slow the indexes of the events that are not ready
     * @param done completes (normally or not) when the work they wait for has ended; then they are applied, and a
     *             failure shows there as it would have without the wait
     */
    record Warming(BitSet slow, CompletionStage<?> done) {

        /** Every event ready. */
        public static Warming none() {
            return new Warming(new BitSet(), CompletableFuture.completedFuture(null));
        }
    }

    /** Looks at the events and starts, without waiting for it, whatever the slow ones need. */
    Uni<Warming> warm(List<BehaviorEvent> events);
}
