package io.shoal.inference;

import io.quarkus.logging.Log;
import io.shoal.config.RoleConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The loaded sentence model of this process. It is loaded once, in the background at start (readiness stays DOWN
 * until then, see {@code io.shoal.health.ModelReadinessCheck}); an impossible device request (gpu without a GPU) fails
 * the start at once. Every model call runs on {@link InferenceWorkers}, never on the caller's thread.
 */
@ApplicationScoped
public class SentenceModelService {

    private final InferenceConfig config;
    private final InferenceWorkers workers;
    private final boolean skipped;
    private final ModelSpec spec;
    private final CompletableFuture<SentenceEncoder> encoder = new CompletableFuture<>();

    public SentenceModelService(InferenceConfig config, InferenceWorkers workers, RoleConfig roles) {
        this.config = config;
        this.workers = workers;
        // The ingest role embeds nothing (workers do): it loads no model and is ready without one.
        this.skipped = roles.role() == RoleConfig.Role.INGEST;
        this.spec = config.modelSpec();
    }

    void onStart(@Observes StartupEvent event) {
        if (skipped) {
            Log.infof("Role ingest: sentence model %s is not loaded", spec.id());
            return;
        }
        DjlEnvironment.prepare(config.cacheDir());
        // Fails the start now rather than a readiness check later: a GPU that is not there will not appear.
        SentenceEncoder.resolveDevice(config.device());
        workers.executor().execute(() -> {
            try {
                encoder.complete(SentenceEncoder.load(spec, config.cacheDir(), config.device(),
                        config.effectiveWorkers(), config.effectiveIntraOpThreads()));
            } catch (RuntimeException e) {
                Log.errorf(e, "Loading sentence model %s failed; the service stays not ready", spec.id());
                encoder.completeExceptionally(e);
            }
        });
    }

    /** Whether this process does not load the model at all (role ingest); readiness does not wait for it then. */
    public boolean isSkipped() {
        return skipped;
    }

    /** Whether the model is loaded and can embed. */
    public boolean isReady() {
        return encoder.isDone() && !encoder.isCompletedExceptionally();
    }

    /** The model this process loads. */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * Embeds one batch in one model call on an inference thread.
     *
     * @return one unit vector per text; fails while the model is not loaded yet and when the worker queue is full
     */
    public Uni<float[][]> encode(List<String> texts) {
        return Uni.createFrom().item(() -> {
            SentenceEncoder loaded = encoder.getNow(null);
            if (loaded == null) {
                throw new IllegalStateException("sentence model " + spec.id() + " is not loaded yet");
            }
            return loaded.encode(texts);
        }).runSubscriptionOn(workers.executor());
    }

    @PreDestroy
    void close() {
        encoder.thenAccept(SentenceEncoder::close);
    }
}
