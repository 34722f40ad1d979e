package io.shoal.inference;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import io.shoal.config.SegmentationConfig;
import io.shoal.event.BehaviorEvent;
import io.shoal.pipeline.EventReadiness;
import io.smallrye.mutiny.Uni;

/**
 * An event is slow when its text (the document {@link EventEmbedder} embeds) is in neither embedding cache: the model
 * must run for it. Those texts are embedded at once in the background, into the caches, so that the event log
 * consumer can apply other shoppers' events meanwhile and these as soon as their vectors are there. Only what the
 * segmentation stage embeds can be slow: profile signals with text, while segmentation is on (an item id alone is a
 * Redis read, an impression is never embedded).
 */
@ApplicationScoped
public class ColdTextReadiness implements EventReadiness {

    private final EmbeddingService embeddings;
    private final boolean segmenting;

    public ColdTextReadiness(EmbeddingService embeddings, SegmentationConfig segmentation) {
        this.embeddings = embeddings;
        this.segmenting = segmentation.enabled();
    }

    @Override
    public Uni<Warming> warm(List<BehaviorEvent> events) {
        if (!segmenting) {
            return Uni.createFrom().item(Warming.none());
        }
        List<String> documents = new ArrayList<>();
        List<Integer> withText = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).type().profileSignal() && EventEmbedder.hasText(events.get(i).text())) {
                documents.add(EventEmbedder.document(events.get(i)));
                withText.add(i);
            }
        }
        if (documents.isEmpty()) {
            return Uni.createFrom().item(Warming.none());
        }
        return embeddings.cache().cached(documents).map(hit -> {
            BitSet slow = new BitSet(events.size());
            List<String> cold = new ArrayList<>();
            for (int k = 0; k < hit.length; k++) {
                if (!hit[k]) {
                    slow.set(withText.get(k));
                    cold.add(documents.get(k));
                }
            }
            if (cold.isEmpty()) {
                return Warming.none();
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            embeddings.embed(cold).subscribe().with(vectors -> done.complete(null), done::completeExceptionally);
            return new Warming(slow, done);
        });
    }
}
